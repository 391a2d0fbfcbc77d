// Package checks3 holds the end-to-end test of `lakehouse-runner check`
// against a real MinIO: suite, data prefix and outputs all on s3://. It is
// its own package so its TestMain (which starts MinIO) stays apart from the
// cli package's tests.
package checks3
