// Package teardown removes a docmeta deployment without losing its metadata:
// it confirms point-in-time recovery is on, exports the table to the
// retained export bucket, waits for the export, verifies its manifest in S3,
// and only then lifts the table's deletion protection (a deliberate, logged
// step) and prints or runs `cdktf destroy <stack>`. Until the protection is
// lifted nothing it does changes the table, so every failure before that
// point leaves the table as it was. docs/TEARDOWN.md is the operator's guide.
package teardown
