#include "lambda/json_in_place.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace strata::lambda {
namespace {

using rapidjson::SizeType;

// The high bit of each byte of `word` that ends a run of plain string bytes: '"', '\\'
// or below 0x20. Exact per byte: each test adds within a byte only.
std::uint64_t special_mask(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kLows = 0x7F7F7F7F7F7F7F7FULL;
  std::uint64_t control = ~(((word & kLows) + kOnes * 0x60) | word);
  std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
  std::uint64_t is_quote = ~(((quote & kLows) + kLows) | quote);
  std::uint64_t is_backslash = ~(((backslash & kLows) + kLows) | backslash);
  return (control | is_quote | is_backslash) & ~kLows;
}

// The byte each one-letter escape stands for (\" \\ \/ \b \f \n \r \t), else 0.
constexpr std::array<char, 256> make_unescaped() {
  std::array<char, 256> table{};
  table['"'] = '"';
  table['\\'] = '\\';
  table['/'] = '/';
  table['b'] = '\b';
  table['f'] = '\f';
  table['n'] = '\n';
  table['r'] = '\r';
  table['t'] = '\t';
  return table;
}
constexpr std::array<char, 256> kUnescaped = make_unescaped();

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Reader {
 public:
  Reader(std::string_view json, char* out) : p_(json.data()), end_(json.data() + json.size()), out_(out) {}

  bool run(rapidjson::Document& handler) {
    skip_space();
    for (;;) {
      Step step = value(handler);
      if (step == Step::kFailed) return false;
      if (step == Step::kOpened) continue;  // the container's first value next
      // After a value: close what it ends, or go on to the next member or element.
      for (;;) {
        skip_space();
        if (levels_.empty()) return peek() == '\0';  // the end, or a NUL that ends the text
        Level& top = levels_.back();
        ++top.count;
        char c = peek();
        if (c == ',') {
          ++p_;
          skip_space();
          if (top.object && !key(handler)) return false;
          break;
        }
        if (c != (top.object ? '}' : ']')) return false;
        ++p_;
        top.object ? handler.EndObject(top.count) : handler.EndArray(top.count);
        levels_.pop_back();
      }
    }
  }

 private:
  struct Level {
    bool object;
    SizeType count;
  };

  char peek() const { return p_ < end_ ? *p_ : '\0'; }

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  enum class Step { kFailed, kValue, kOpened };

  // One value, or the opening of a non-empty container (and its first key): no recursion,
  // so that deep nesting costs heap, not stack.
  Step value(rapidjson::Document& handler) {
    auto done = [](bool ok) { return ok ? Step::kValue : Step::kFailed; };
    switch (peek()) {
      case '{':
        ++p_;
        handler.StartObject();
        skip_space();
        if (peek() == '}') {
          ++p_;
          return done(handler.EndObject(0));
        }
        levels_.push_back({true, 0});
        return key(handler) ? Step::kOpened : Step::kFailed;
      case '[':
        ++p_;
        handler.StartArray();
        skip_space();
        if (peek() == ']') {
          ++p_;
          return done(handler.EndArray(0));
        }
        levels_.push_back({false, 0});
        return Step::kOpened;
      case '"': {
        ++p_;
        const char* text = out_;
        if (!string()) return Step::kFailed;
        return done(handler.String(text, static_cast<SizeType>(out_ - text - 1), false));
      }
      case 't': return done(literal("true") && handler.Bool(true));
      case 'f': return done(literal("false") && handler.Bool(false));
      case 'n': return done(literal("null") && handler.Null());
      default: return done(number(handler));
    }
  }

  // A key and its colon; the reader is left at the member's value.
  bool key(rapidjson::Document& handler) {
    if (peek() != '"') return false;
    ++p_;
    const char* text = out_;
    if (!string()) return false;
    handler.Key(text, static_cast<SizeType>(out_ - text - 1), false);
    skip_space();
    if (peek() != ':') return false;
    ++p_;
    skip_space();
    return true;
  }

  bool literal(const char* word) {
    std::size_t length = std::strlen(word);
    if (static_cast<std::size_t>(end_ - p_) < length || std::memcmp(p_, word, length) != 0) return false;
    p_ += length;
    return true;
  }

  // Integers only, as RapidJSON hands them over: Uint or Int when 32 bits hold them, else
  // Uint64 or Int64. A fraction, an exponent or more than 64 bits is left to RapidJSON
  // (its doubles), as is anything malformed.
  bool number(rapidjson::Document& handler) {
    bool minus = peek() == '-';
    if (minus) ++p_;
    char first = peek();
    if (first < '0' || first > '9') return false;
    std::uint64_t magnitude = 0;
    if (first == '0') {
      ++p_;
    } else {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        unsigned digit = static_cast<unsigned>(*p_ - '0');
        if (magnitude > (UINT64_MAX - digit) / 10) return false;
        magnitude = magnitude * 10 + digit;
        ++p_;
      }
    }
    char next = peek();
    if (next == '.' || next == 'e' || next == 'E' || (next >= '0' && next <= '9')) return false;
    if (!minus) {
      return magnitude <= UINT32_MAX ? handler.Uint(static_cast<unsigned>(magnitude)) : handler.Uint64(magnitude);
    }
    if (magnitude <= 0x80000000ULL) return handler.Int(static_cast<int>(static_cast<std::int64_t>(-static_cast<std::int64_t>(magnitude))));
    if (magnitude <= 0x8000000000000000ULL) return handler.Int64(static_cast<std::int64_t>(~magnitude + 1));
    return false;
  }

  // Writes code point `c` as UTF-8 at `out`; returns the end.
  static char* put_utf8(unsigned c, char* out) {
    if (c < 0x80) {
      *out++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *out++ = static_cast<char>(0xC0 | (c >> 6));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out++ = static_cast<char>(0xE0 | (c >> 12));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *out++ = static_cast<char>(0xF0 | (c >> 18));
      *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
  }

  // Four hex digits after "\u"; -1 if they are not.
  long hex4() {
    if (end_ - p_ < 4) return -1;
    long value = 0;
    for (int i = 0; i < 4; ++i) {
      int digit = hex_value(p_[i]);
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    p_ += 4;
    return value;
  }

  // The rest of a string after its opening quote, unescaped into the output and
  // NUL-terminated. Plain bytes are copied a block at a time: a whole block is stored even
  // when it holds a special byte (the output has sixteen bytes of room past the text, and
  // never runs ahead of the input: every escape is shorter than what it stands for).
  // In locals: stores through the output would otherwise reload the members each time.
  bool string() {
    const char* p = p_;
    const char* const end = end_;
    char* out = out_;
    bool ok = false;
    for (;;) {
      // On to the next special byte: '"', '\\' or a control byte.
#if defined(__SSE2__)
      // Sixteen bytes at a time where SSE2 is (every x86-64).
      if (end - p >= 16) {
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
        __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), block);
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(block, control), control));  // <= 0x1F
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
        if (!mask) {
          p += 16;
          out += 16;
          continue;
        }
        auto run = static_cast<std::size_t>(std::countr_zero(mask));
        p += run;
        out += run;
      } else
#endif
      {
        if constexpr (std::endian::native == std::endian::little) {
          while (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, 8);
            std::memcpy(out, &word, 8);
            std::uint64_t mask = special_mask(word);
            if (!mask) {
              p += 8;
              out += 8;
              continue;
            }
            std::size_t run = static_cast<std::size_t>(std::countr_zero(mask)) / 8;
            p += run;
            out += run;
            break;
          }
        }
        while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) *out++ = *p++;
        if (p == end) break;
      }
      char c = *p++;
      if (c == '\\') {
        if (p == end) break;
        char escape = *p++;
        if (char plain = kUnescaped[static_cast<unsigned char>(escape)]) {
          *out++ = plain;
          continue;
        }
        if (escape != 'u') break;
        p_ = p;
        long code = hex4();
        if (code >= 0xD800 && code <= 0xDBFF) {
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') break;
          p_ += 2;
          long low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) break;
          code = (((code - 0xD800) << 10) | (low - 0xDC00)) + 0x10000;
        } else if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF)) {
          break;  // not four hex digits, or a lone low surrogate (RapidJSON's call)
        }
        p = p_;
        out = put_utf8(static_cast<unsigned>(code), out);
        continue;
      }
      if (c == '"') {
        *out++ = '\0';
        ok = true;
      }
      break;  // the closing quote, or a control byte
    }
    p_ = p;
    out_ = out;
    return ok;
  }

  const char* p_;
  const char* end_;
  char* out_;
  std::vector<Level> levels_;
};

}  // namespace

bool parse_json_in_place(rapidjson::Document& document, std::string_view json, std::string& scratch) {
  // Unescaped strings never outgrow their quoted form, and a NUL takes a closing quote's
  // place; sixteen bytes more for the whole-block stores.
  scratch.resize(json.size() + 16);
  Reader reader(json, scratch.data());
  bool accepted = false;
  auto generate = [&](rapidjson::Document& handler) { return accepted = reader.run(handler); };
  document.Populate(generate);
  return accepted;
}

}  // namespace strata::lambda
