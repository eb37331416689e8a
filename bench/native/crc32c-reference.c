// The hardware's CRC-32C speed on this machine, for the codec section to print beside Eddy's: three interleaved
// streams of SSE4.2's crc32 instruction (its latency is 3 cycles, its throughput 1 per cycle), combined by tables
// that shift a CRC over a block of zeros. Usage: crc32c-reference MIN_MS; prints "<MB/s>" (MB = 2^20 bytes) after
// checking the standard check value and a long buffer against a bytewise CRC. Bench-only: the broker does not use it.
#include <nmmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLY 0x82f63b78u
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t byte_table[256];
static uint32_t long_shift[4][256];
static uint32_t short_shift[4][256];

static uint32_t through_zeros(uint32_t reg, size_t n) {
  while (n--) reg = byte_table[reg & 0xff] ^ (reg >> 8);
  return reg;
}

/* t[k][v]: the register (v << 8k) after n zero bytes; a CRC register is linear, so 32 basis images suffice. */
static void build_shift(uint32_t t[4][256], size_t n) {
  uint32_t basis[32];
  for (int i = 0; i < 32; i++) basis[i] = through_zeros(1u << i, n);
  for (int k = 0; k < 4; k++) {
    for (uint32_t v = 0; v < 256; v++) {
      uint32_t x = v << (8 * k), r = 0;
      for (int i = 0; i < 32; i++) if (x & (1u << i)) r ^= basis[i];
      t[k][v] = r;
    }
  }
}

static uint32_t shift(uint32_t t[4][256], uint32_t c) {
  return t[0][c & 0xff] ^ t[1][(c >> 8) & 0xff] ^ t[2][(c >> 16) & 0xff] ^ t[3][c >> 24];
}

static uint32_t crc32c_bytewise(const uint8_t *p, size_t len) {
  uint32_t c = ~0u;
  while (len--) c = byte_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

static uint32_t crc32c_3way(const uint8_t *p, size_t len) {
  uint64_t c0 = 0xffffffffu;
  for (size_t block = LONG_BLOCK; block >= SHORT_BLOCK; block /= LONG_BLOCK / SHORT_BLOCK) {
    uint32_t (*t)[256] = block == LONG_BLOCK ? long_shift : short_shift;
    while (len >= 3 * block) {
      uint64_t c1 = 0, c2 = 0;
      for (const uint8_t *end = p + block; p < end; p += 8) {
        uint64_t a, b, d;
        memcpy(&a, p, 8);
        memcpy(&b, p + block, 8);
        memcpy(&d, p + 2 * block, 8);
        c0 = _mm_crc32_u64(c0, a);
        c1 = _mm_crc32_u64(c1, b);
        c2 = _mm_crc32_u64(c2, d);
      }
      c0 = shift(t, (uint32_t)c0) ^ (uint32_t)c1;
      c0 = shift(t, (uint32_t)c0) ^ (uint32_t)c2;
      p += 2 * block;
      len -= 3 * block;
    }
  }
  for (; len >= 8; p += 8, len -= 8) {
    uint64_t a;
    memcpy(&a, p, 8);
    c0 = _mm_crc32_u64(c0, a);
  }
  while (len--) c0 = _mm_crc32_u8((uint32_t)c0, *p++);
  return ~(uint32_t)c0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  double min_ms = argc > 1 ? atof(argv[1]) : 1000;
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
    byte_table[n] = c;
  }
  build_shift(long_shift, LONG_BLOCK);
  build_shift(short_shift, SHORT_BLOCK);
  size_t size = 1 << 20;
  uint8_t *buf = malloc(size + 7);
  for (size_t i = 0; i < size + 7; i++) buf[i] = (uint8_t)(i * 131 + (i >> 9));
  if (crc32c_3way((const uint8_t *)"123456789", 9) != 0xe3069283u || crc32c_3way(buf + 3, size) != crc32c_bytewise(buf + 3, size)) {
    fprintf(stderr, "crc32c-reference: self-check failed\n");
    return 1;
  }
  volatile uint32_t sink = 0;
  double start = now_ms(), elapsed = 0;
  long iters = 0;
  while (iters < 5 || elapsed < min_ms) {
    sink ^= crc32c_3way(buf, size);
    iters++;
    elapsed = now_ms() - start;
  }
  printf("%.1f\n", iters / (elapsed / 1e3));
  return 0;
}
