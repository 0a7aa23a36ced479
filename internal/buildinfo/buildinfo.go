// Package buildinfo names the build a binary came from, for --version and
// /status: the version the Makefile stamps in with -ldflags, else the VCS
// revision the go command records, else "dev".
package buildinfo

import "runtime/debug"

// Version returns stamped when the build set it (-X main.buildVersion=...),
// otherwise the first 12 characters of the VCS revision ("-dirty" when the
// tree had changes), otherwise "dev" (go run, go test).
func Version(stamped string) string {
	if stamped != "" {
		return stamped
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return fromSettings(info.Settings)
}

func fromSettings(settings []debug.BuildSetting) string {
	rev, dirty := "", false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
