//===- JsonValue.cpp - reading summary.json back --------------------------===//

#include "runtime/report/JsonValue.h"

#include <cstdlib>
#include <cstring>

using namespace sweep;

namespace sweep {
class JsonParser {
public:
  explicit JsonParser(const std::string &source) : source(source) {}

  bool parseDocument(JsonValue &out, std::string &error) {
    skipSpace();
    if (!parseValue(out, 0)) {
      error = where() + problem;
      return false;
    }
    skipSpace();
    if (at < source.size()) {
      error = where() + "text after the JSON value";
      return false;
    }
    return true;
  }

private:
  std::string where() const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at && i < source.size(); ++i, ++column)
      if (source[i] == '\n')
        line++, column = 0;
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
  }
  bool fail(const std::string &what) {
    problem = what;
    return false;
  }
  void skipSpace() {
    while (at < source.size() && std::strchr(" \t\r\n", source[at]))
      ++at;
  }
  bool literal(const char *word) {
    size_t n = std::strlen(word);
    if (source.compare(at, n, word) != 0)
      return fail("expected a JSON value");
    at += n;
    return true;
  }

  bool parseValue(JsonValue &out, int depth) {
    if (depth > 64)
      return fail("nested too deeply");
    if (at >= source.size())
      return fail("unexpected end of the file");
    char c = source[at];
    if (c == '{')
      return parseObject(out, depth);
    if (c == '[')
      return parseArray(out, depth);
    if (c == '"') {
      out.type = JsonValue::Kind::String;
      return parseString(out.string);
    }
    if (c == 't' || c == 'f') {
      out.type = JsonValue::Kind::Bool;
      out.value = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      out.type = JsonValue::Kind::Null;
      return literal("null");
    }
    return parseNumber(out);
  }

  bool parseNumber(JsonValue &out) {
    const char *start = source.c_str() + at;
    char *end = nullptr;
    double number = std::strtod(start, &end);
    if (end == start || !(std::strchr("-0123456789", *start)))
      return fail("expected a JSON value");
    out.type = JsonValue::Kind::Number;
    out.value = number;
    out.string.assign(start, size_t(end - start));
    at += size_t(end - start);
    return true;
  }

  bool parseString(std::string &out) {
    ++at; // The opening quote.
    while (at < source.size() && source[at] != '"') {
      char c = source[at++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at >= source.size())
        break;
      char escape = source[at++];
      switch (escape) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        unsigned code = 0;
        if (!hex4(code))
          return fail("a \\u escape needs four hex digits");
        // A surrogate pair (Python's json.dump writes non-ASCII so) is one
        // code point; a lone half becomes U+FFFD.
        if (code >= 0xD800 && code < 0xDC00 && source.compare(at, 2, "\\u") == 0) {
          size_t mark = at;
          at += 2;
          unsigned low = 0;
          if (hex4(low) && low >= 0xDC00 && low < 0xE000)
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          else
            at = mark;
        }
        if (code >= 0xD800 && code < 0xE000)
          code = 0xFFFD;
        appendUtf8(out, code);
        break;
      }
      default: out += escape; // \" \\ \/
      }
    }
    if (at >= source.size())
      return fail("a string is not closed");
    ++at;
    return true;
  }

  /// Four hex digits at `at` (consumed), or false.
  bool hex4(unsigned &code) {
    if (at + 4 > source.size())
      return false;
    code = 0;
    for (size_t i = 0; i < 4; ++i) {
      char c = source[at + i];
      unsigned digit = c >= '0' && c <= '9'   ? unsigned(c - '0')
                       : c >= 'a' && c <= 'f' ? unsigned(c - 'a' + 10)
                       : c >= 'A' && c <= 'F' ? unsigned(c - 'A' + 10)
                                              : 16;
      if (digit == 16)
        return false;
      code = code * 16 + digit;
    }
    at += 4;
    return true;
  }

  static void appendUtf8(std::string &out, unsigned code) {
    if (code < 0x80) {
      out += char(code);
    } else if (code < 0x800) {
      out += char(0xC0 | (code >> 6));
      out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += char(0xE0 | (code >> 12));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    } else {
      out += char(0xF0 | (code >> 18));
      out += char(0x80 | ((code >> 12) & 0x3F));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    }
  }

  bool parseArray(JsonValue &out, int depth) {
    out.type = JsonValue::Kind::Array;
    ++at;
    skipSpace();
    if (at < source.size() && source[at] == ']')
      return ++at, true;
    while (true) {
      skipSpace();
      out.elements.emplace_back();
      if (!parseValue(out.elements.back(), depth + 1))
        return false;
      skipSpace();
      if (at < source.size() && source[at] == ',') {
        ++at;
        continue;
      }
      if (at < source.size() && source[at] == ']')
        return ++at, true;
      return fail("expected ',' or ']'");
    }
  }

  bool parseObject(JsonValue &out, int depth) {
    out.type = JsonValue::Kind::Object;
    ++at;
    skipSpace();
    if (at < source.size() && source[at] == '}')
      return ++at, true;
    while (true) {
      skipSpace();
      if (at >= source.size() || source[at] != '"')
        return fail("expected a member name in quotes");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (at >= source.size() || source[at] != ':')
        return fail("expected ':'");
      ++at;
      skipSpace();
      if (!parseValue(out.members[key], depth + 1))
        return false;
      skipSpace();
      if (at < source.size() && source[at] == ',') {
        ++at;
        continue;
      }
      if (at < source.size() && source[at] == '}')
        return ++at, true;
      return fail("expected ',' or '}'");
    }
  }

  const std::string &source;
  size_t at = 0;
  std::string problem;
};
} // namespace sweep

const JsonValue &JsonValue::operator[](const std::string &key) const {
  static const JsonValue none;
  auto it = members.find(key);
  return type == Kind::Object && it != members.end() ? it->second : none;
}

const JsonValue &JsonValue::operator[](size_t index) const {
  static const JsonValue none;
  return type == Kind::Array && index < elements.size() ? elements[index] : none;
}

std::string JsonValue::text(const std::string &fallback) const {
  return type == Kind::String || type == Kind::Number ? string : fallback;
}

bool JsonValue::parse(const std::string &source, JsonValue &out, std::string &error) {
  out = JsonValue();
  return JsonParser(source).parseDocument(out, error);
}
