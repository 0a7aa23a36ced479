package httpapi

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/docmeta/docmeta/backend"
)

// Limits on one part's header section. The filename is at most 255 bytes
// (765 when percent-encoded), so real headers are far smaller; the limits
// keep a hostile body from growing memory and fit in FramingAllowance.
const (
	maxPartHeaderBytes = 8 << 10
	maxPartHeaderLines = 16
	formBufferSize     = 64 << 10
)

var errPartHeaderTooLarge = backend.Errorf(backend.EINVALID, "the part's headers exceed %d bytes or %d lines", maxPartHeaderBytes, maxPartHeaderLines)

// partHeader holds the part headers the upload needs; others are ignored.
type partHeader struct {
	disposition string
	contentType string
}

// formReader parses a multipart/form-data body (RFC 7578, RFC 2046 section
// 5.1) as a stream. It replaces mime/multipart on the upload path for
// speed: the part's content is handed to the digest straight out of one
// 64 KiB read buffer (no copy), delimiters are found with bytes.Index, and
// nothing is allocated per part beyond the two header strings. Only CRLF
// line breaks delimit parts; a bare LF ends a header line or a boundary
// line too, as some clients send them.
type formReader struct {
	br    *bufio.Reader
	delim []byte // "\r\n--" + boundary: ends a part's content
	// rerr is the read error Peek reported; bufio reports an error once,
	// the parser may need it again.
	rerr     error
	partDone bool // the current part's content has been read
	final    bool // the delimiter that ended it was the closing one
}

func newFormReader() *formReader {
	return &formReader{br: bufio.NewReaderSize(nil, formBufferSize)}
}

func (f *formReader) reset(r io.Reader, boundary string) {
	f.br.Reset(r)
	f.delim = append(append(f.delim[:0], "\r\n--"...), boundary...)
	f.rerr, f.partDone, f.final = nil, false, false
}

// firstPart skips the preamble up to the first boundary line and reads the
// first part's headers. io.EOF means the body holds no part.
func (f *formReader) firstPart() (partHeader, error) {
	dash := f.delim[2:] // "--" + boundary
	for {
		line, err := f.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			continue // a long preamble line: not a boundary
		}
		t := bytes.TrimRight(line, " \t\r\n")
		if bytes.HasPrefix(t, dash) {
			switch rest := t[len(dash):]; {
			case len(rest) == 0 && err == nil:
				return f.readHeader()
			case string(rest) == "--":
				return partHeader{}, io.EOF
			}
		}
		if err != nil {
			return partHeader{}, err
		}
	}
}

// readHeader reads header lines up to the empty line.
func (f *formReader) readHeader() (partHeader, error) {
	var h partHeader
	total := 0
	for n := 0; ; n++ {
		line, err := f.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return h, errPartHeaderTooLarge
		}
		if err == io.EOF {
			return h, io.ErrUnexpectedEOF
		}
		if err != nil {
			return h, err
		}
		total += len(line)
		if total > maxPartHeaderBytes || n > maxPartHeaderLines {
			return h, errPartHeaderTooLarge
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			return h, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			return h, backend.Errorf(backend.EINVALID, "folded part header lines are not supported")
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return h, backend.Errorf(backend.EINVALID, "a part header line has no colon")
		}
		k = bytes.TrimSpace(k)
		switch {
		case bytes.EqualFold(k, []byte("Content-Disposition")):
			if h.disposition != "" {
				return h, backend.Errorf(backend.EINVALID, "the part has two Content-Disposition headers")
			}
			h.disposition = string(bytes.TrimSpace(v))
		case bytes.EqualFold(k, []byte("Content-Type")):
			h.contentType = string(bytes.TrimSpace(v))
		}
	}
}

// WriteTo writes the current part's content to w, straight from the read
// buffer, up to the delimiter that ends it.
func (f *formReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		chunk, err := f.nextChunk()
		if len(chunk) > 0 {
			n, werr := w.Write(chunk)
			_, _ = f.br.Discard(n)
			total += int64(n)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Read reads the current part's content (io.EOF at its end).
func (f *formReader) Read(p []byte) (int, error) {
	chunk, err := f.nextChunk()
	n := copy(p, chunk)
	_, _ = f.br.Discard(n)
	if n > 0 {
		return n, nil
	}
	return 0, err
}

// peek returns the buffered bytes, reading until the buffer is full or the
// body ends.
func (f *formReader) peek() ([]byte, error) {
	if f.rerr != nil {
		buf, _ := f.br.Peek(f.br.Buffered())
		return buf, f.rerr
	}
	buf, err := f.br.Peek(f.br.Size())
	if err != nil {
		f.rerr = err
	}
	return buf, err
}

// boundary kinds after a delimiter match.
const (
	boundaryNot = iota
	boundaryNeedMore
	boundaryNext
	boundaryClosing
)

// nextChunk returns the next run of content bytes still in the buffer (the
// caller discards what it used), or io.EOF once the delimiter ending the
// part has been consumed.
func (f *formReader) nextChunk() ([]byte, error) {
	if f.partDone {
		return nil, io.EOF
	}
	buf, rerr := f.peek()
	for off := 0; ; {
		i := bytes.Index(buf[off:], f.delim)
		if i < 0 {
			break
		}
		i += off
		kind, used := boundaryAfter(buf[i+len(f.delim):])
		switch {
		case kind == boundaryNot:
			off = i + 1
			continue
		case i > 0:
			// Hand out the content before the delimiter first.
			return buf[:i], nil
		case kind == boundaryNeedMore:
			if rerr == nil {
				// A full buffer of padding after a delimiter.
				return nil, backend.Errorf(backend.EINVALID, "malformed multipart body: a boundary line is too long")
			}
			return nil, eofIsUnexpected(rerr)
		}
		_, _ = f.br.Discard(len(f.delim) + used)
		f.partDone, f.final = true, kind == boundaryClosing
		return nil, io.EOF
	}
	// No delimiter: all but a tail that may begin one is content.
	if safe := len(buf) - (len(f.delim) - 1); safe > 0 {
		return buf[:safe], nil
	}
	return nil, eofIsUnexpected(rerr)
}

// boundaryAfter decides whether the bytes after a delimiter match make it
// a boundary: "--" closes the body; optional spaces or tabs then a line
// break start the next part; anything else means the match was content.
// boundaryNeedMore means rest ends before that can be decided. used is how many
// bytes of rest belong to the boundary.
func boundaryAfter(rest []byte) (kind, used int) {
	if len(rest) >= 2 && rest[0] == '-' && rest[1] == '-' {
		return boundaryClosing, 2
	}
	if len(rest) == 1 && rest[0] == '-' {
		return boundaryNeedMore, 0
	}
	j := 0
	for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t') {
		j++
	}
	if j == len(rest) {
		return boundaryNeedMore, 0
	}
	switch rest[j] {
	case '\n':
		return boundaryNext, j + 1
	case '\r':
		if j+1 == len(rest) {
			return boundaryNeedMore, 0
		}
		if rest[j+1] == '\n' {
			return boundaryNext, j + 2
		}
	}
	return boundaryNot, 0
}

// eofIsUnexpected reports a body that ends inside a part as truncated.
func eofIsUnexpected(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
