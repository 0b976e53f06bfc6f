/*
 * HMAC-SHA256 for the audit chain: of one text (an append), or of many
 * newline-separated texts in one call (verification). node:crypto costs
 * several microseconds of call overhead per HMAC, more than the hashing itself;
 * here a call costs little more than its SHA-256 blocks, and the batch hashes
 * the key's padded blocks once. The batch runs off the JavaScript thread, so a
 * page of events is hashed while the next one is read.
 */
#include <node_api.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

/* SHA-256 states after absorbing the key XOR ipad and the key XOR opad blocks. */
typedef struct {
  SHA256_CTX inner;
  SHA256_CTX outer;
} KeyedState;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref lines_ref;
  napi_ref out_ref;
  KeyedState keyed;
  const unsigned char *lines;
  size_t lines_len;
  unsigned char *out;
  size_t out_len;
  size_t digested;
} Job;

static void keyed_init(KeyedState *state, const unsigned char *key, size_t key_len) {
  unsigned char block[SHA256_CBLOCK] = {0};
  unsigned char pad[SHA256_CBLOCK];
  if (key_len > SHA256_CBLOCK) {
    SHA256(key, key_len, block);
  } else {
    memcpy(block, key, key_len);
  }
  for (int i = 0; i < SHA256_CBLOCK; i++) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&state->inner);
  SHA256_Update(&state->inner, pad, SHA256_CBLOCK);
  for (int i = 0; i < SHA256_CBLOCK; i++) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&state->outer);
  SHA256_Update(&state->outer, pad, SHA256_CBLOCK);
}

static void digest_one(const KeyedState *state, const unsigned char *text, size_t len, unsigned char *out) {
  unsigned char inner[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx = state->inner;
  SHA256_Update(&ctx, text, len);
  SHA256_Final(inner, &ctx);
  ctx = state->outer;
  SHA256_Update(&ctx, inner, SHA256_DIGEST_LENGTH);
  SHA256_Final(out, &ctx);
}

/* One digest per newline-separated text, until the texts or the room in `out` run out. */
static size_t digest_lines(const KeyedState *state, const unsigned char *lines, size_t len, unsigned char *out, size_t out_len) {
  size_t count = 0;
  size_t start = 0;
  while (start < len && (count + 1) * SHA256_DIGEST_LENGTH <= out_len) {
    const unsigned char *newline = memchr(lines + start, '\n', len - start);
    size_t end = newline ? (size_t)(newline - lines) : len;
    digest_one(state, lines + start, end - start, out + count * SHA256_DIGEST_LENGTH);
    count++;
    start = end + 1;
  }
  return count;
}

static void execute(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  job->digested = digest_lines(&job->keyed, job->lines, job->lines_len, job->out, job->out_len);
}

static void complete(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value result;
  if (status == napi_ok && napi_create_double(env, (double)job->digested, &result) == napi_ok) {
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value message;
    napi_create_string_utf8(env, "audit HMAC job failed", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &result);
    napi_reject_deferred(env, job->deferred, result);
  }
  napi_delete_reference(env, job->lines_ref);
  napi_delete_reference(env, job->out_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* hmacLines(key, lines, out) -> Promise<number of digests written into out> */
static napi_value hmac_lines(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return throw_type_error(env, "hmacLines(key, lines, out)");
  void *key, *lines, *out;
  size_t key_len, lines_len, out_len;
  if (napi_get_buffer_info(env, argv[0], &key, &key_len) != napi_ok || napi_get_buffer_info(env, argv[1], &lines, &lines_len) != napi_ok ||
      napi_get_buffer_info(env, argv[2], &out, &out_len) != napi_ok) {
    return throw_type_error(env, "hmacLines takes three Buffers");
  }
  Job *job = calloc(1, sizeof(Job));
  if (!job) return throw_type_error(env, "out of memory");
  keyed_init(&job->keyed, key, key_len);
  job->lines = lines;
  job->lines_len = lines_len;
  job->out = out;
  job->out_len = out_len;
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  /* The buffers stay referenced, so alive, until the job completes. */
  napi_create_reference(env, argv[1], 1, &job->lines_ref);
  napi_create_reference(env, argv[2], 1, &job->out_ref);
  napi_create_string_utf8(env, "pca:audit-hmac", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/* hmacHex(key, text) -> the hex HMAC of the text's UTF-8 bytes, on the calling thread (one event's append). */
static napi_value hmac_hex(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) return throw_type_error(env, "hmacHex(key, text)");
  void *key;
  size_t key_len, text_len;
  if (napi_get_buffer_info(env, argv[0], &key, &key_len) != napi_ok) return throw_type_error(env, "hmacHex: the key must be a Buffer");
  if (napi_get_value_string_utf8(env, argv[1], NULL, 0, &text_len) != napi_ok) return throw_type_error(env, "hmacHex: the text must be a string");
  char small[2048];
  char *text = text_len < sizeof small ? small : malloc(text_len + 1);
  if (!text) return throw_type_error(env, "out of memory");
  napi_get_value_string_utf8(env, argv[1], text, text_len + 1, &text_len);
  KeyedState state;
  keyed_init(&state, key, key_len);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  digest_one(&state, (const unsigned char *)text, text_len, digest);
  if (text != small) free(text);
  static const char HEX[] = "0123456789abcdef";
  char hex[SHA256_DIGEST_LENGTH * 2];
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
    hex[i * 2] = HEX[digest[i] >> 4];
    hex[i * 2 + 1] = HEX[digest[i] & 15];
  }
  napi_value result;
  napi_create_string_latin1(env, hex, sizeof hex, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "hmacLines", NAPI_AUTO_LENGTH, hmac_lines, NULL, &fn);
  napi_set_named_property(env, exports, "hmacLines", fn);
  napi_create_function(env, "hmacHex", NAPI_AUTO_LENGTH, hmac_hex, NULL, &fn);
  napi_set_named_property(env, exports, "hmacHex", fn);
  return exports;
}
