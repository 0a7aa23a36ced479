package loadgen

import (
	"bytes"
	"fmt"
	"strconv"
)

// Boundary is the multipart boundary every prebuilt upload uses. It is long
// and random-looking so that no generated content contains it.
const Boundary = "docmetaBenchBoundary7f3a9c1e5b2d4086"

// Upload describes one multipart upload request.
type Upload struct {
	Host        string // Host header, e.g. "127.0.0.1:8080"
	Path        string // request path; "" means "/upload"
	APIKey      string // sent as "Authorization: Bearer <key>" when not empty
	Field       string // form field name; "" means "file"
	Filename    string // filename parameter of the part
	ContentType string // declared Content-Type of the part; "" means application/octet-stream
	Content     []byte // the file's bytes
}

// MultipartHead returns the multipart preamble (boundary line and part
// headers) of u, and MultipartTail the closing boundary: a body is
// head + content + tail. Streaming clients use them to send content they
// never hold in memory.
func (u Upload) MultipartHead() []byte {
	field := u.Field
	if field == "" {
		field = "file"
	}
	ct := u.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q; filename=%q\r\nContent-Type: %s\r\n\r\n",
		Boundary, field, u.Filename, ct)
	return b.Bytes()
}

// MultipartTail returns the bytes that close the multipart body.
func MultipartTail() []byte { return []byte("\r\n--" + Boundary + "--\r\n") }

// Header returns the HTTP/1.1 request line and headers for a body of
// bodyLen bytes, ending with the blank line.
func (u Upload) Header(bodyLen int64) []byte {
	path := u.Path
	if path == "" {
		path = "/upload"
	}
	var b bytes.Buffer
	b.WriteString("POST " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\n")
	if u.APIKey != "" {
		b.WriteString("Authorization: Bearer " + u.APIKey + "\r\n")
	}
	b.WriteString("Content-Type: multipart/form-data; boundary=" + Boundary + "\r\n")
	b.WriteString("Content-Length: " + strconv.FormatInt(bodyLen, 10) + "\r\n\r\n")
	return b.Bytes()
}

// BodyLen is the length of the multipart body for content of n bytes.
func (u Upload) BodyLen(n int64) int64 {
	return int64(len(u.MultipartHead())) + n + int64(len(MultipartTail()))
}

// Raw returns the complete HTTP/1.1 request, ready to be written to a
// connection as is. Prebuilding requests keeps the generator's own cost per
// request to one write and one response parse.
func (u Upload) Raw() []byte {
	head, tail := u.MultipartHead(), MultipartTail()
	bodyLen := int64(len(head) + len(u.Content) + len(tail))
	out := u.Header(bodyLen)
	out = append(out, head...)
	out = append(out, u.Content...)
	return append(out, tail...)
}
