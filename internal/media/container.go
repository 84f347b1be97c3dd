package media

import "bytes"

// Container is a video container the service accepts, with the file
// extension and media type a stored copy is served under.
type Container struct {
	Name string // "mp4", "mov", "webm", "mkv", "avi", "mpegts"
	Ext  string // ".mp4", ".mov", …
	MIME string // "video/mp4", "video/quicktime", …
}

var containers = map[string]Container{
	"mp4":    {"mp4", ".mp4", "video/mp4"},
	"mov":    {"mov", ".mov", "video/quicktime"},
	"webm":   {"webm", ".webm", "video/webm"},
	"mkv":    {"mkv", ".mkv", "video/x-matroska"},
	"avi":    {"avi", ".avi", "video/x-msvideo"},
	"mpegts": {"mpegts", ".ts", "video/mp2t"},
}

// ContainerNamed returns the container of that Name (Info.Container).
func ContainerNamed(name string) (Container, bool) {
	c, ok := containers[name]
	return c, ok
}

// SniffContainer names the container by the file's first bytes (512 are
// plenty): ISO BMFF (mp4, m4v, 3gp; "qt" brand: mov), Matroska (DocType
// "webm": webm, otherwise mkv), AVI (RIFF…AVI) and MPEG-TS (sync bytes at
// 0 and 188). It is the one sniffer: the upload accepts by it, Probe
// records it and the pipeline labels the stored source by it.
func SniffContainer(head []byte) (Container, bool) {
	switch {
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")):
		if bytes.Equal(head[8:12], []byte("qt  ")) {
			return containers["mov"], true
		}
		return containers["mp4"], true
	case len(head) >= 4 && bytes.Equal(head[:4], []byte{0x1A, 0x45, 0xDF, 0xA3}):
		// the EBML header (DocType among its first few dozen bytes)
		if bytes.Contains(head[:min(len(head), 64)], []byte("webm")) {
			return containers["webm"], true
		}
		return containers["mkv"], true
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("AVI ")):
		return containers["avi"], true
	case len(head) >= 189 && head[0] == 0x47 && head[188] == 0x47:
		return containers["mpegts"], true
	}
	return Container{}, false
}
