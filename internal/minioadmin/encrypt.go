package minioadmin

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/secure-io/sio-go"
	"golang.org/x/crypto/argon2"
)

// The MinIO admin API takes some request bodies (new users' secret keys,
// policy attachments) encrypted with the caller's secret key. The format is
// public and stable:
//
//	salt (32 random bytes) | algorithm id (1 byte) | nonce (8 bytes) | sio stream
//
// where the stream key is Argon2id(secret key, salt, time 1, memory 64 MiB,
// 4 threads, 32 bytes) and the stream is a DARE/sio AEAD stream. Id 0 is
// AES-256-GCM, id 1 ChaCha20-Poly1305 (id 2, PBKDF2 for FIPS builds, is not
// needed here: the server accepts every id it knows).
const (
	saltLen        = 32
	algAES256GCM   = 0x00
	algChaCha20    = 0x01
	argonTime      = 1
	argonMemoryKiB = 64 * 1024
	argonThreads   = 4
	keyLen         = 32
)

func deriveKey(secret string, salt []byte) []byte {
	return argon2.IDKey([]byte(secret), salt, argonTime, argonMemoryKiB, argonThreads, keyLen)
}

// Encrypt seals data for the admin API with the caller's secret key.
func Encrypt(secret string, data []byte) ([]byte, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("reading random salt: %w", err)
	}
	stream, err := sio.AES_256_GCM.Stream(deriveKey(secret, salt))
	if err != nil {
		return nil, fmt.Errorf("setting up the admin payload cipher: %w", err)
	}
	nonce := make([]byte, stream.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("reading random nonce: %w", err)
	}
	var out bytes.Buffer
	out.Write(salt)
	out.WriteByte(algAES256GCM)
	out.Write(nonce)
	w := stream.EncryptWriter(&out, nonce, nil)
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("encrypting the admin payload: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypting the admin payload: %w", err)
	}

	return out.Bytes(), nil
}

// Decrypt opens a payload sealed by Encrypt (or by the server, which
// answers some admin calls in the same format).
func Decrypt(secret string, data []byte) ([]byte, error) {
	if len(data) < saltLen+1+8 {
		return nil, errors.New("the encrypted admin payload is shorter than its header")
	}
	salt, id, nonce := data[:saltLen], data[saltLen], data[saltLen+1:saltLen+9]
	var stream *sio.Stream
	var err error
	switch id {
	case algAES256GCM:
		stream, err = sio.AES_256_GCM.Stream(deriveKey(secret, salt))
	case algChaCha20:
		stream, err = sio.ChaCha20Poly1305.Stream(deriveKey(secret, salt))
	default:
		return nil, fmt.Errorf("the encrypted admin payload uses algorithm id %d, which this client does not support", id)
	}
	if err != nil {
		return nil, fmt.Errorf("setting up the admin payload cipher: %w", err)
	}
	plain, err := io.ReadAll(stream.DecryptReader(bytes.NewReader(data[saltLen+9:]), nonce, nil))
	if err != nil {
		return nil, fmt.Errorf("decrypting the admin payload (wrong secret key?): %w", err)
	}

	return plain, nil
}
