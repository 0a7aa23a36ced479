package topology

import (
	"fmt"
	"regexp"
	"strings"
)

// instanceTypeRe splits "t4g.micro" into family letters, generation, the
// attribute letters after the generation, and the size.
var instanceTypeRe = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z-]*)\.([0-9a-z]+)$`)

// ArchOf derives the CPU architecture from an EC2 instance type: a "g" among
// the attribute letters after the generation digit marks AWS Graviton
// (t4g, m7g, c6gn, r6gd, x2gd), and a1 is the first Graviton generation.
// Everything else (t3, t3a, m6i, m7a, ...) is x86-64.
func ArchOf(instanceType string) (Arch, error) {
	m := instanceTypeRe.FindStringSubmatch(instanceType)
	if m == nil {
		return "", fmt.Errorf("%q is not an EC2 instance type (want family.size, e.g. t4g.micro)", instanceType)
	}
	family, generation, attrs := m[1], m[2], m[3]
	if family == "a" && generation == "1" {
		return ARM64, nil
	}
	if strings.Contains(attrs, "g") {
		return ARM64, nil
	}
	return AMD64, nil
}

// Arch is the architecture of the configured instance type; it panics on an
// invalid type, which Validate reports first.
func (c Config) Arch() Arch {
	a, err := ArchOf(c.InstanceType)
	if err != nil {
		panic("topology: Arch on an unvalidated config: " + err.Error())
	}
	return a
}

// AMIParameter is the public SSM parameter that resolves to the latest
// Amazon Linux 2023 AMI of the architecture.
func (c Config) AMIParameter() string {
	a := "x86_64"
	if c.Arch() == ARM64 {
		a = "arm64"
	}
	return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + a
}

// Burstable reports whether the configured instance type earns CPU credits
// (the t families). Such types launch in "unlimited" credit mode by default
// on t3/t3a/t4g, where sustained load is billed per vCPU-hour beyond the
// baseline: the stacks set "standard" so the monthly cost stays the one the
// cost model prices (a throttled instance instead of a surprise charge).
func (c Config) Burstable() bool {
	m := instanceTypeRe.FindStringSubmatch(c.InstanceType)
	return m != nil && m[1] == "t"
}
