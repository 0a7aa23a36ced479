package userdata

import "testing"

// SampleParams is a realistic parameter set. The bucket is a concrete name
// because the linters in lint_test.go see what an instance sees after
// Terraform resolved it. Exported (in a test file only) so that the
// external userdata_test package shares it.
func SampleParams() Params {
	return Params{
		Region:          "us-east-1",
		Table:           "docmeta-dev-documents",
		APIKeyParameter: "/docmeta/dev/api-keys",
		ArtifactBucket:  "docmeta-dev-artifacts-20261127070000000000000001",
		ArtifactKey:     "docmeta-server/linux-arm64/docmeta-server",
		ArtifactVersion: "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY_MTRCxf3vjVBH40Nr8X8gdRQBpU",
		BinarySHA256:    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		ListingShards:   8,
	}
}

// RenderSample renders SampleParams, failing the test if that fails.
func RenderSample(t testing.TB) Rendered {
	t.Helper()
	r, err := Render(SampleParams())
	if err != nil {
		t.Fatalf("rendering the sample user data: %v", err)
	}
	return r
}
