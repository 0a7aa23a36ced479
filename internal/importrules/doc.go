// Package importrules holds no code: its test checks the one-way import
// rules of docs/ARCHITECTURE.md against `go list`, so the document stays
// true as the code changes.
package importrules
