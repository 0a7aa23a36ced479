package smoke

// The smoke check reads the API as any client does, from its documented
// wire form (docs/CONFIGURATION.md, HTTP API), not from the server's types:
// a change to the JSON a client sees must fail here.

// document is the JSON of a document in an answer.
type document struct {
	ID         string `json:"id"`
	Filename   string `json:"filename"`
	SizeBytes  int64  `json:"size_bytes"`
	UploadedAt string `json:"uploaded_at"`
	SHA256     string `json:"sha256"`
}

// codeUnauthorized is the error code of a missing or wrong API key.
const codeUnauthorized = "unauthorized"
