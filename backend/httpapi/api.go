// Package httpapi serves docmeta's HTTP API with fasthttp: streaming
// multipart uploads, the health check and the document listing. It turns
// backend error codes into HTTP statuses and JSON error bodies; no fasthttp
// type leaves this package except the *fasthttp.Server it builds.
package httpapi

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxUploadBytes = 100 << 20
	DefaultReadTimeout    = 10 * time.Second
	DefaultUploadTimeout  = 10 * time.Minute
	// DefaultMinUploadRate is 1 KiB per read timeout: about 100 B/s with
	// the default 10 s, far below any real link, yet it cuts a client that
	// drips a byte at a time to hold a connection for the upload timeout.
	DefaultMinUploadRate = 1 << 10
	// DefaultIdleTimeout is above the ALB's 60 s idle timeout, so the load
	// balancer, not the server, closes idle keep-alive connections (the other
	// way round the ALB may reuse a connection the server just closed: 502).
	DefaultIdleTimeout  = 75 * time.Second
	DefaultStoreTimeout = 5 * time.Second
	// DefaultMaxConcurrentUploads and DefaultMaxConnections keep the
	// server's memory within 320 MiB on a t4g.micro (1 GiB); README
	// "Memory bounds" gives the arithmetic and the measurement.
	DefaultMaxConcurrentUploads = 512
	DefaultMaxConnections       = 4096

	// MinAPIKeyBytes is the shortest API key accepted: a short key can be
	// guessed by trying.
	MinAPIKeyBytes = 16

	// FramingAllowance is how many bytes of multipart framing (boundaries
	// and part headers) a request body may carry on top of MaxUploadBytes
	// of file content.
	FramingAllowance = 16 << 10

	// readBufferSize bounds the request head (line plus headers) a client
	// may send; ALBs add a few headers of their own.
	readBufferSize = 16 << 10
)

// Config configures the API. Store and Logger are required; zero durations
// and sizes take the defaults above.
type Config struct {
	// Store keeps the metadata.
	Store backend.Store
	// StoreName is reported by GET /status ("bolt", "dynamodb").
	StoreName string
	// Version is reported by GET /status.
	Version string
	// APIKeys, when not empty, are required as "Authorization: Bearer <key>"
	// on /upload and /documents*. Empty means anonymous access; whether
	// that is acceptable is decided by the caller (see cmd/docmeta-server).
	APIKeys []string
	// MaxUploadBytes is the largest file content accepted.
	MaxUploadBytes int64
	// ReadTimeout bounds reading a request head and any non-upload body, and
	// is also the window of the upload body's minimum rate: an upload that
	// receives fewer than MinUploadRate bytes within it is cut.
	ReadTimeout time.Duration
	// MinUploadRate is the number of bytes an upload body must deliver per
	// ReadTimeout for its read deadline to move forward.
	MinUploadRate int64
	// UploadTimeout bounds receiving one whole upload body.
	UploadTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request.
	IdleTimeout time.Duration
	// StoreTimeout bounds one store call; a store that does not answer in
	// time is reported as unavailable (503).
	StoreTimeout time.Duration
	// IdempotencyTTL is how long an upload's Idempotency-Key is remembered.
	IdempotencyTTL time.Duration
	// MaxConcurrentUploads is how many uploads may be received at once;
	// past it an upload gets 503 with Retry-After at once, its body
	// unread.
	MaxConcurrentUploads int
	// MaxConnections bounds open client connections, idle or not
	// (fasthttp's Concurrency); past it a new connection gets 503 and is
	// closed.
	MaxConnections int
	// Logger receives one access line per request.
	Logger *slog.Logger
	// IDs generates document IDs; nil means a fresh generator.
	IDs *backend.IDGenerator
}

// API holds the handlers' shared state. Build it with New.
type API struct {
	cfg      Config
	keys     [][sha256.Size]byte
	maxBody  int64
	log      *slog.Logger
	ids      *backend.IDGenerator
	reqIDs   requestIDs
	statusOK []byte
	uploads  uploadSlots
}

// New validates cfg, applies defaults and returns the API.
func New(cfg Config) (*API, error) {
	if cfg.Store == nil {
		return nil, errors.New("httpapi: Config.Store is nil")
	}
	if cfg.Logger == nil {
		return nil, errors.New("httpapi: Config.Logger is nil")
	}
	setDefault(&cfg.MaxUploadBytes, DefaultMaxUploadBytes)
	setDefault(&cfg.ReadTimeout, DefaultReadTimeout)
	setDefault(&cfg.MinUploadRate, DefaultMinUploadRate)
	setDefault(&cfg.UploadTimeout, DefaultUploadTimeout)
	setDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	setDefault(&cfg.StoreTimeout, DefaultStoreTimeout)
	setDefault(&cfg.IdempotencyTTL, backend.DefaultIdempotencyTTL)
	setDefault(&cfg.MaxConcurrentUploads, DefaultMaxConcurrentUploads)
	setDefault(&cfg.MaxConnections, DefaultMaxConnections)
	ids := cfg.IDs
	if ids == nil {
		ids = &backend.IDGenerator{}
	}
	a := &API{cfg: cfg, log: cfg.Logger, ids: ids, reqIDs: newRequestIDs(), uploads: uploadSlots{max: int64(cfg.MaxConcurrentUploads)}}
	for _, k := range cfg.APIKeys {
		if k == "" || strings.ContainsAny(k, " \t\r\n,") {
			return nil, fmt.Errorf("httpapi: API key %d is empty or contains a space or comma", len(a.keys)+1)
		}
		if len(k) < MinAPIKeyBytes {
			return nil, fmt.Errorf("httpapi: API key %d is %d characters long; keys must have at least %d", len(a.keys)+1, len(k), MinAPIKeyBytes)
		}
		a.keys = append(a.keys, sha256.Sum256([]byte(k)))
	}
	a.maxBody = cfg.MaxUploadBytes + FramingAllowance
	a.statusOK = statusBody(cfg.Version, cfg.StoreName)
	return a, nil
}

// setDefault sets a limit or timeout left unset (zero, or negative, which
// no limit means) to its default.
func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Server returns a fasthttp server for the API. Request bodies are streamed
// to the handlers (never buffered or pre-parsed by fasthttp), so an upload
// of any size costs a fixed amount of memory.
func (a *API) Server() *fasthttp.Server {
	return &fasthttp.Server{
		Handler:       a.Handle,
		ErrorHandler:  a.handleServerError,
		ExpectHandler: a.expectContinue,
		ConnState:     undrainIdle,
		Name:          "docmeta",

		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		// With StreamRequestBody a larger body is still streamed; this only
		// caps what fasthttp reads ahead before calling the handler. One byte
		// (the minimum) lets the handler refuse an upload from its headers
		// (401, 413, 415) before the client has to send any of the body. The
		// upload handler enforces the real limit.
		MaxRequestBodySize: 1,

		// Every connection, idle or slow, costs its buffers and a
		// goroutine; the cap bounds them all.
		Concurrency: a.cfg.MaxConnections,

		ReadBufferSize: readBufferSize,
		ReadTimeout:    a.cfg.ReadTimeout,
		WriteTimeout:   a.cfg.ReadTimeout,
		IdleTimeout:    a.cfg.IdleTimeout,
		// Tell keep-alive clients (and the ALB) to go elsewhere while the
		// server drains.
		CloseOnShutdown: true,
		// fasthttp quotes the request head in its parse errors; the secure
		// form leaves it out, so an Authorization header never reaches a
		// log through them (RedactSecrets is the second line of defence).
		SecureErrorLogMessage: true,
		Logger:                fasthttpLogger{a.log},
	}
}

// fasthttpLogger sends fasthttp's own connection-level messages to slog.
type fasthttpLogger struct{ l *slog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Warn("fasthttp", "detail", RedactSecrets(fmt.Sprintf(format, args...)))
}
