// Package media runs ffprobe and ffmpeg on untrusted files, hardened: a
// protocol and demuxer allow-list, no standard input, limits checked at
// probe, a wall-clock limit and output-size limits on every process, and
// every process started under exec.CommandContext so nothing outlives its
// caller. It turns a file into an Info, mono float32 PCM and a stream of
// small RGB frames, and writes keyframe JPEGs.
package media
