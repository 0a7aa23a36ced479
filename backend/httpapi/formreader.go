package httpapi

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/docmeta/docmeta/backend"
)

// Limits of the parser. A part's filename is at most 255 bytes (765 when
// percent-encoded), so real part headers are far smaller than these; the
// limits keep a hostile body from growing memory and fit in
// FramingAllowance. maxPreambleLine is mime/multipart's own line limit.
const (
	maxPartHeaderBytes = 8 << 10
	maxPartHeaderLines = 16
	maxPreambleLine    = 4096
	formBufferSize     = 64 << 10
)

var (
	errPartHeaderTooLarge = backend.Errorf(backend.EINVALID, "the part's headers exceed %d bytes or %d lines", maxPartHeaderBytes, maxPartHeaderLines)
	errBadBoundaryLine    = backend.Errorf(backend.EINVALID, "malformed multipart body: a boundary line has extra characters")
	errBadPartHeader      = backend.Errorf(backend.EINVALID, "malformed multipart body: a part header line is not Name: value")
	errBadPartHeaderName  = backend.Errorf(backend.EINVALID, "malformed multipart body: a part header name holds a space or another character outside an HTTP token; send Name: value with no space before the colon")
)

// formReader parses a multipart/form-data body (RFC 7578, RFC 2046 section
// 5.1) as a stream. It replaces mime/multipart on the upload path for
// speed: the part's content goes to the digest straight out of one 64 KiB
// read buffer (no copy), delimiters are found with bytes.Index (SIMD), and
// nothing is allocated per part beyond two header strings.
//
// It accepts a subset of what mime/multipart accepts and reads the same
// content from it, so the two never disagree about an accepted upload:
// the same boundary recognition (a delimiter followed by "--", a space, a
// tab, CR or LF ends the content), the same bare-LF mode when the first
// boundary line ends in LF only, the same strict boundary lines, and
// header lines checked as net/textproto checks them (folded lines, which
// textproto would join, are refused).
type formReader struct {
	br    *bufio.Reader
	delim []byte // nl + "--" + boundary: ends a part's content
	nl    []byte // "\r\n", or "\n" in bare-LF mode
	// rerr is the read error Peek reported; bufio reports an error once,
	// the parser may need it again.
	rerr     error
	started  bool // content bytes of the current part were handed out
	partDone bool // the current part's content has been read
	final    bool // the delimiter that ended it was the closing one
}

func newFormReader() *formReader {
	return &formReader{br: bufio.NewReaderSize(nil, formBufferSize)}
}

func (f *formReader) reset(r io.Reader, boundary string) {
	f.br.Reset(r)
	f.delim = append(append(f.delim[:0], "\r\n--"...), boundary...)
	f.nl = f.delim[:2]
	f.rerr, f.started, f.partDone, f.final = nil, false, false, false
}

// dash is "--" + boundary.
func (f *formReader) dash() []byte { return f.delim[len(f.nl):] }

// firstPart skips the preamble up to the first boundary line and reads the
// first part's headers. io.EOF means the body holds no part.
func (f *formReader) firstPart() (partHeader, error) {
	dash := f.dash()
	for {
		line, err := f.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull || len(line) > maxPreambleLine {
			return partHeader{}, backend.Errorf(backend.EINVALID, "malformed multipart body: a line before the first boundary is longer than %d bytes", maxPreambleLine)
		}
		if bytes.HasPrefix(line, dash) {
			rest := skipLWSP(line[len(dash):])
			switch {
			case err == nil && string(rest) == "\n":
				// Bare-LF mode, as mime/multipart does.
				f.delim = f.delim[1:]
				f.nl = f.delim[:1]
				return f.readHeader()
			case err == nil && string(rest) == "\r\n":
				return f.readHeader()
			case len(line) >= len(dash)+2 && line[len(dash)] == '-' && line[len(dash)+1] == '-':
				if r := skipLWSP(line[len(dash)+2:]); (err == io.EOF && len(r) == 0) || string(r) == "\r\n" {
					return partHeader{}, io.EOF // a closing boundary and no part
				}
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
		line = line[:len(line)-1]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) == 0 {
			return h, h.check()
		}
		if line[0] == ' ' || line[0] == '\t' {
			return h, backend.Errorf(backend.EINVALID, "the part has a folded header line (one starting with a space or tab); send each part header on one line")
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(k) == 0 {
			return h, errBadPartHeader
		}
		if !validHeaderKey(k) {
			// net/textproto keeps "Content-Disposition " (a space
			// before the colon) as another header, others trim it.
			return h, errBadPartHeaderName
		}
		v = bytes.Trim(v, " \t")
		if !validHeaderValue(v) {
			return h, errBadPartHeader
		}
		if err := h.add(k, v); err != nil {
			return h, err
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
			f.discard(n)
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
	f.discard(n)
	if n > 0 {
		return n, nil
	}
	return 0, err
}

func (f *formReader) discard(n int) {
	if n > 0 {
		_, _ = f.br.Discard(n)
		f.started = true
	}
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

// What the bytes after a delimiter make of it.
const (
	boundaryNot      = iota // content after all
	boundaryNeedMore        // too few bytes to tell
	boundaryNext            // the next part follows
	boundaryClosing         // the closing boundary
)

// nextChunk returns the next run of content bytes still in the buffer (the
// caller discards what it used), or io.EOF once the boundary ending the
// part has been consumed.
func (f *formReader) nextChunk() ([]byte, error) {
	if f.partDone {
		return nil, io.EOF
	}
	buf, rerr := f.peek()
	atEOF := rerr != nil
	if !f.started {
		// Like mime/multipart, a boundary right at the start of the
		// content (without the line break before it) ends an empty part.
		dash := f.dash()
		if bytes.HasPrefix(buf, dash) {
			kind, used, err := f.boundaryAfter(buf[len(dash):], atEOF)
			if err != nil {
				return nil, err
			}
			switch kind {
			case boundaryNeedMore:
				return nil, eofIsUnexpected(rerr)
			case boundaryNext, boundaryClosing:
				return nil, f.endPart(len(dash)+used, kind)
			}
		} else if len(buf) < len(dash) && bytes.HasPrefix(dash, buf) {
			return nil, eofIsUnexpected(rerr)
		}
	}
	for off := 0; ; {
		i := bytes.Index(buf[off:], f.delim)
		if i < 0 {
			break
		}
		i += off
		kind, used, err := f.boundaryAfter(buf[i+len(f.delim):], atEOF)
		switch {
		case kind == boundaryNot && err == nil:
			off = i + 1
			continue
		case i > 0:
			// Hand out the content before the delimiter first.
			return buf[:i], nil
		case err != nil:
			return nil, err
		case kind == boundaryNeedMore:
			if !atEOF {
				// A full buffer of padding after a delimiter.
				return nil, errBadBoundaryLine
			}
			return nil, eofIsUnexpected(rerr)
		}
		return nil, f.endPart(len(f.delim)+used, kind)
	}
	// No delimiter: all but a tail that may begin one is content.
	if safe := len(buf) - (len(f.delim) - 1); safe > 0 {
		return buf[:safe], nil
	}
	return nil, eofIsUnexpected(rerr)
}

func (f *formReader) endPart(consumed, kind int) error {
	_, _ = f.br.Discard(consumed)
	f.partDone, f.final = true, kind == boundaryClosing
	return io.EOF
}

// boundaryAfter decides what the bytes after a delimiter match make of it,
// with mime/multipart's rules: "--" or a space, tab, CR or LF right after
// it make it a boundary, anything else makes it content. A boundary's line
// must then be right: spaces or tabs, then the line break (or, after "--",
// the end of the body); otherwise the body is malformed. used counts the
// bytes of rest that belong to the boundary line.
func (f *formReader) boundaryAfter(rest []byte, atEOF bool) (kind, used int, err error) {
	if len(rest) == 0 || (len(rest) == 1 && rest[0] == '-') {
		return boundaryNeedMore, 0, nil
	}
	kind, start := boundaryNext, 0
	switch rest[0] {
	case '-':
		if rest[1] != '-' {
			return boundaryNot, 0, nil
		}
		kind, start = boundaryClosing, 2
	case ' ', '\t', '\r', '\n':
	default:
		return boundaryNot, 0, nil
	}
	line := skipLWSP(rest[start:])
	j := len(rest) - len(line)
	switch {
	case bytes.HasPrefix(line, f.nl):
		return kind, j + len(f.nl), nil
	case kind == boundaryClosing && len(line) == 0 && atEOF:
		return kind, j, nil
	case len(line) < len(f.nl) && bytes.HasPrefix(f.nl, line) && !atEOF:
		return boundaryNeedMore, 0, nil
	}
	return boundaryNot, 0, errBadBoundaryLine
}

func skipLWSP(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// validHeaderKey reports whether k is an RFC 7230 token, as
// net/textproto requires of a header name.
func validHeaderKey(k []byte) bool {
	for _, c := range k {
		if c >= 0x80 || !isTokenChar[c] {
			return false
		}
	}
	return true
}

var isTokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// validHeaderValue reports whether v holds only bytes net/textproto
// allows in a header value: tab, visible ASCII, space and bytes >= 0x80.
func validHeaderValue(v []byte) bool {
	for _, c := range v {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// eofIsUnexpected reports a body that ends inside a part as truncated.
func eofIsUnexpected(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
