package httpapi

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Bounds of the drain that follows an answer sent before the request body
// was read (see lingerConn).
const (
	// drainMaxBytes is how much of an unread body is read and discarded
	// after the answer; a client with more still to send gets a reset.
	drainMaxBytes = 4 << 20
	// drainTimeout is how long a drained connection may stay open.
	drainTimeout = 5 * time.Second
	// maxConcurrentDrains bounds the goroutines (and sockets) held by
	// drains; past it a connection is closed at once, as without draining.
	maxConcurrentDrains = 256
)

// Listener wraps ln for Server().Serve. When the server answers before it
// has read the whole request (a refused upload, a refused Expect, a head it
// cannot parse) and then closes the connection, closing at once with
// unread input makes the kernel send a reset, and the client, still
// sending, usually loses the answer with it. A connection marked with
// drainOnClose is instead half-closed (the answer and a FIN go out) and its
// remaining input read and discarded, up to drainMaxBytes and drainTimeout,
// before it is closed: the client finishes sending and reads the JSON
// error.
func (a *API) Listener(ln net.Listener) net.Listener {
	return &lingerListener{Listener: ln, drains: make(chan struct{}, maxConcurrentDrains)}
}

type lingerListener struct {
	net.Listener
	drains chan struct{} // a semaphore: one token per running drain
}

func (l *lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c, drains: l.drains}, nil
}

// lingerConn is a connection that can be drained on Close.
type lingerConn struct {
	net.Conn
	drains chan struct{}
	drain  atomic.Bool
	once   sync.Once
	err    error
}

// drainOnClose marks (or unmarks) the request's connection so that Close
// drains it. Connections not accepted through Listener are left as they
// are.
func drainOnClose(ctx *fasthttp.RequestCtx, drain bool) {
	if c, ok := ctx.Conn().(*lingerConn); ok {
		c.drain.Store(drain)
	}
}

// undrainIdle is the server's ConnState hook: a connection that goes idle
// between requests has no unread input (fasthttp discarded it, or closed
// the connection instead), so its mark from an earlier refusal no longer
// applies. A later Close then comes from Shutdown's sweep, on another
// goroutine while the connection's own still waits to read, and must close
// the socket at once: a drain would hold both the socket and Shutdown for
// drainTimeout and read the socket from two goroutines.
func undrainIdle(c net.Conn, state fasthttp.ConnState) {
	if lc, ok := c.(*lingerConn); ok && state == fasthttp.StateIdle {
		lc.drain.Store(false)
	}
}

// Close closes the connection, draining it first if it was marked. The
// drain runs in its own goroutine so that the server's connection slot and
// a graceful shutdown never wait for a slow client.
func (c *lingerConn) Close() error {
	c.once.Do(func() { c.err = c.close() })
	return c.err
}

func (c *lingerConn) close() error {
	if !c.drain.Load() {
		return c.Conn.Close()
	}
	select {
	case c.drains <- struct{}{}:
	default:
		return c.Conn.Close()
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		if err := cw.CloseWrite(); err != nil {
			<-c.drains
			return c.Conn.Close()
		}
	}
	go func() {
		defer func() { <-c.drains }()
		_ = c.Conn.SetReadDeadline(time.Now().Add(drainTimeout))
		_, _ = io.CopyN(io.Discard, c.Conn, drainMaxBytes)
		_ = c.Conn.Close()
	}()
	return nil
}
