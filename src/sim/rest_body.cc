// Copyright 2026 The Pylon Gateway Authors.

#include "sim/rest_body.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/json_writer.h"

namespace pylon::sim::rest_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The value of parameter `name` in a header value ("form-data; name=\"x\"; filename=\"y\"").
std::optional<std::string> HeaderParam(std::string_view value, std::string_view name) {
  size_t at = 0;
  while (at < value.size()) {
    size_t semi = value.find(';', at);
    std::string_view part =
        Trim(value.substr(at, semi == std::string_view::npos ? value.npos : semi - at));
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && Lower(Trim(part.substr(0, eq))) == name) {
      std::string_view v = Trim(part.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    if (semi == std::string_view::npos) break;
    at = semi + 1;
  }
  return std::nullopt;
}

std::string ElementText(dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(e);
}

std::optional<int64_t> ElementInt(dom::element e) {
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return i;
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS &&
      d == static_cast<double>(static_cast<int64_t>(d))) {
    return static_cast<int64_t>(d);
  }
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS && !s.empty()) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return std::nullopt;
}

}  // namespace

// ---- FormErrors ----

void FormErrors::Add(std::vector<std::string> path, std::string_view code, std::string message) {
  entries_.push_back({std::move(path), std::string(code), std::move(message)});
}

std::string FormErrors::Render(int code, std::string_view message) const {
  struct Node {
    std::string name;
    std::vector<Node> children;
    std::vector<const Entry*> errors;
  };
  Node root;
  for (const Entry& e : entries_) {
    Node* node = &root;
    for (const std::string& key : e.path) {
      auto it = std::find_if(node->children.begin(), node->children.end(),
                             [&](const Node& n) { return n.name == key; });
      if (it == node->children.end()) {
        node->children.push_back(Node{key, {}, {}});
        it = node->children.end() - 1;
      }
      node = &*it;
    }
    node->errors.push_back(&e);
  }
  std::string out;
  JsonWriter w(&out);
  auto write = [&w](const Node& node, auto& self) -> void {
    w.BeginObject();
    for (const Node& child : node.children) {
      w.Key(child.name);
      self(child, self);
    }
    if (!node.errors.empty()) {
      w.Key("_errors").BeginArray();
      for (const Entry* e : node.errors) {
        w.BeginObject().Key("code").String(e->code).Key("message").String(e->message).EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  };
  w.BeginObject().Key("code").Int(code).Key("errors");
  write(root, write);
  w.Key("message").String(message).EndObject();
  return out;
}

// ---- Fields ----

Fields::Fields(dom::element object, FormErrors* errors, std::vector<std::string> prefix)
    : object_(object), is_object_(IsObject(object)), errors_(errors), prefix_(std::move(prefix)) {}

bool Fields::Has(std::string_view key) const {
  if (!is_object_) return false;
  dom::object object;
  dom::element e;
  return object_.get_object().get(object) == simdjson::SUCCESS &&
         object.at_key(key).get(e) == simdjson::SUCCESS;
}

bool Fields::IsNull(std::string_view key) const { return Has(key) && Get(key).is_null(); }

dom::element Fields::Get(std::string_view key) const {
  dom::object object;
  dom::element e;
  if (is_object_ && object_.get_object().get(object) == simdjson::SUCCESS) {
    if (object.at_key(key).get(e) != simdjson::SUCCESS) e = dom::element();
  }
  return e;
}

std::vector<std::string> Fields::Path(std::string_view key) const {
  std::vector<std::string> path = prefix_;
  if (!key.empty()) path.emplace_back(key);
  return path;
}

void Fields::Error(std::string_view key, std::string_view code, std::string message) const {
  errors_->Add(Path(key), code, std::move(message));
}

void Fields::Require(std::string_view key) const {
  if (!Has(key) || IsNull(key)) Error(key, "BASE_TYPE_REQUIRED", "This field is required");
}

std::optional<std::string> Fields::String(std::string_view key, size_t min, size_t max,
                                          bool nullable) const {
  if (!Has(key)) return std::nullopt;
  dom::element e = Get(key);
  if (e.is_null()) {
    if (nullable) return std::string();
    Error(key, "BASE_TYPE_REQUIRED", "This field is required");
    return std::nullopt;
  }
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    Error(key, "BASE_TYPE_STRING", "Could not interpret \"" + ElementText(e) + "\" as string.");
    return std::nullopt;
  }
  size_t n = CharCount(s);
  if (n < min || n > max) {
    if (min == 0) {
      Error(key, "BASE_TYPE_MAX_LENGTH", "Must be " + std::to_string(max) + " or fewer in length.");
    } else {
      Error(
          key, "BASE_TYPE_BAD_LENGTH",
          "Must be between " + std::to_string(min) + " and " + std::to_string(max) + " in length.");
    }
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<int64_t> Fields::Int(std::string_view key, int64_t min, int64_t max,
                                   bool nullable) const {
  if (!Has(key)) return std::nullopt;
  dom::element e = Get(key);
  if (e.is_null()) {
    if (nullable) return 0;
    Error(key, "BASE_TYPE_REQUIRED", "This field is required");
    return std::nullopt;
  }
  auto v = ElementInt(e);
  if (!v) {
    Error(key, "NUMBER_TYPE_COERCE", "Value \"" + ElementText(e) + "\" is not int.");
    return std::nullopt;
  }
  if (*v < min) {
    Error(key, "NUMBER_TYPE_MIN",
          "int value should be greater than or equal to " + std::to_string(min) + ".");
    return std::nullopt;
  }
  if (*v > max) {
    Error(key, "NUMBER_TYPE_MAX",
          "int value should be less than or equal to " + std::to_string(max) + ".");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Fields::Bool(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  dom::element e = Get(key);
  bool b;
  if (e.get_bool().get(b) == simdjson::SUCCESS) return b;
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    if (s == "true" || s == "True" || s == "1") return true;
    if (s == "false" || s == "False" || s == "0") return false;
  }
  Error(key, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  return std::nullopt;
}

std::optional<uint64_t> ElementId(dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
  }
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return u;
  return std::nullopt;
}

std::optional<uint64_t> Fields::Id(std::string_view key, bool nullable) const {
  if (!Has(key)) return std::nullopt;
  dom::element e = Get(key);
  if (e.is_null()) {
    if (nullable) return uint64_t{0};
    Error(key, "BASE_TYPE_REQUIRED", "This field is required");
    return std::nullopt;
  }
  auto v = ElementId(e);
  if (!v) Error(key, "NUMBER_TYPE_COERCE", "Value \"" + ElementText(e) + "\" is not snowflake.");
  return v;
}

std::optional<dom::array> Fields::Array(std::string_view key, size_t max) const {
  if (!Has(key)) return std::nullopt;
  dom::array a;
  if (Get(key).get_array().get(a) != simdjson::SUCCESS) {
    Error(key, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
    return std::nullopt;
  }
  if (a.size() > max) {
    Error(key, "BASE_TYPE_MAX_LENGTH", "Must be " + std::to_string(max) + " or fewer in length.");
    return std::nullopt;
  }
  return a;
}

std::optional<std::vector<uint64_t>> Fields::IdList(std::string_view key, size_t max) const {
  auto a = Array(key, max);
  if (!a) return std::nullopt;
  std::vector<uint64_t> out;
  size_t i = 0;
  bool ok = true;
  for (dom::element e : *a) {
    auto v = ElementId(e);
    if (!v) {
      errors_->Add(
          [&] {
            auto p = Path(key);
            p.push_back(std::to_string(i));
            return p;
          }(),
          "NUMBER_TYPE_COERCE", "Value \"" + ElementText(e) + "\" is not snowflake.");
      ok = false;
    } else {
      out.push_back(*v);
    }
    ++i;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<uint64_t> Fields::Permissions(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  dom::element e = Get(key);
  if (e.is_null()) return uint64_t{0};
  auto v = ElementId(e);
  if (!v) Error(key, "NUMBER_TYPE_COERCE", "Value \"" + ElementText(e) + "\" is not int.");
  return v;
}

std::optional<dom::element> Fields::Object(std::string_view key) const {
  if (!Has(key) || IsNull(key)) return std::nullopt;
  dom::element e = Get(key);
  if (!IsObject(e)) {
    Error(key, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return std::nullopt;
  }
  return e;
}

// ---- Body decoding ----

namespace {

void AppendFormPairs(std::string_view text, std::vector<std::pair<std::string, std::string>>* out) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    size_t eq = pair.find('=');
    if (!pair.empty()) {
      out->emplace_back(UrlDecode(pair.substr(0, eq), true),
                        eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
}

std::string ObjectOfStrings(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  for (const auto& [k, v] : pairs) w.Key(k).String(v);
  w.EndObject();
  return out;
}

BodyError DecodeMultipart(std::string_view content_type, const std::string& body,
                          DecodedBody* out) {
  auto boundary = HeaderParam(content_type, "boundary");
  if (!boundary || boundary->empty()) return BodyError::kMultipart;
  const std::string delimiter = "--" + *boundary;
  std::string_view b(body);
  size_t pos = b.find(delimiter);
  if (pos == std::string_view::npos) return BodyError::kMultipart;
  std::vector<std::pair<std::string, std::string>> text_parts;
  std::optional<std::string> payload_json;
  for (;;) {
    pos += delimiter.size();
    if (b.substr(pos, 2) == "--") break;  // the closing delimiter
    if (b.substr(pos, 2) != "\r\n") return BodyError::kMultipart;
    pos += 2;
    size_t headers_end = b.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return BodyError::kMultipart;
    std::string name, filename, type;
    bool has_filename = false;
    std::string_view headers = b.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string header = Lower(Trim(line.substr(0, colon)));
        std::string_view value = Trim(line.substr(colon + 1));
        if (header == "content-disposition") {
          name = HeaderParam(value, "name").value_or("");
          if (auto f = HeaderParam(value, "filename")) {
            filename = *f;
            has_filename = true;
          }
        } else if (header == "content-type") {
          type = std::string(value);
        }
      }
      if (eol == std::string_view::npos) break;
      headers.remove_prefix(eol + 2);
    }
    size_t data_begin = headers_end + 4;
    size_t next = b.find("\r\n" + delimiter, data_begin);
    if (next == std::string_view::npos) return BodyError::kMultipart;
    std::string data(b.substr(data_begin, next - data_begin));
    if (has_filename || name.starts_with("files[") || name == "file") {
      out->files.push_back({name, has_filename ? filename : name, type, std::move(data)});
    } else if (name == "payload_json") {
      payload_json = std::move(data);
    } else {
      text_parts.emplace_back(name, std::move(data));
    }
    pos = next + 2;
  }
  out->json = payload_json ? *payload_json : ObjectOfStrings(text_parts);
  return BodyError::kNone;
}

}  // namespace

BodyError DecodeBody(std::string_view content_type, const std::string& body, DecodedBody* out) {
  out->files.clear();
  if (body.empty()) {
    out->json = "{}";
    return BodyError::kNone;
  }
  std::string media = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (media == "application/json") {
    out->json = body;
    return BodyError::kNone;
  }
  if (media == "application/x-www-form-urlencoded") {
    std::vector<std::pair<std::string, std::string>> pairs;
    AppendFormPairs(body, &pairs);
    out->json = ObjectOfStrings(pairs);
    return BodyError::kNone;
  }
  if (media == "multipart/form-data") return DecodeMultipart(content_type, body, out);
  return BodyError::kContentType;
}

// ---- Text helpers ----

std::string UrlDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : UrlDecode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<int64_t> QueryInt(std::string_view query, std::string_view name, int64_t min,
                                int64_t max, int64_t fallback, FormErrors* errors) {
  auto text = QueryParam(query, name);
  if (!text) return fallback;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || p != text->data() + text->size()) {
    errors->Add({std::string(name)}, "NUMBER_TYPE_COERCE", "Value \"" + *text + "\" is not int.");
    return std::nullopt;
  }
  if (v < min) {
    errors->Add({std::string(name)}, "NUMBER_TYPE_MIN",
                "int value should be greater than or equal to " + std::to_string(min) + ".");
    return std::nullopt;
  }
  if (v > max) {
    errors->Add({std::string(name)}, "NUMBER_TYPE_MAX",
                "int value should be less than or equal to " + std::to_string(max) + ".");
    return std::nullopt;
  }
  return v;
}

std::optional<uint64_t> QueryId(std::string_view query, std::string_view name, FormErrors* errors) {
  auto text = QueryParam(query, name);
  if (!text) return uint64_t{0};
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || p != text->data() + text->size()) {
    errors->Add({std::string(name)}, "NUMBER_TYPE_COERCE",
                "Value \"" + *text + "\" is not snowflake.");
    return std::nullopt;
  }
  return v;
}

size_t CharCount(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<int64_t> ParseIsoTimestamp(std::string_view s) {
  auto num = [&](size_t at, size_t len) -> std::optional<int> {
    if (at + len > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  int64_t ms = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int digits = 0;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      if (digits < 3) ms = ms * 10 + (s[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int64_t offset_min = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    auto oh = num(at + 1, 2), om = num(at + 4, 2);
    if (!oh || !om || at + 3 >= s.size() || s[at + 3] != ':') return std::nullopt;
    offset_min = (*oh * 60 + *om) * (s[at] == '-' ? -1 : 1);
    at += 6;
  }
  if (at != s.size()) return std::nullopt;
  // Days from the civil date (Howard Hinnant's algorithm).
  int64_t year = *y - (*mo <= 2);
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yoe = year - era * 400;
  int64_t doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  int64_t seconds = days * 86400 + *h * 3600 + *mi * 60 + *se - offset_min * 60;
  return seconds * 1000 + ms;
}

std::optional<uint64_t> ImageHashSeed(std::string_view uri, bool* animated) {
  static constexpr std::string_view kPrefix = "data:image/";
  if (!uri.starts_with(kPrefix)) return std::nullopt;
  size_t semi = uri.find(";base64,");
  if (semi == std::string_view::npos || semi + 8 >= uri.size()) return std::nullopt;
  std::string_view type = uri.substr(kPrefix.size(), semi - kPrefix.size());
  if (type != "png" && type != "jpeg" && type != "jpg" && type != "gif" && type != "webp") {
    return std::nullopt;
  }
  if (animated) *animated = type == "gif";
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : uri.substr(semi + 8)) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h | 1;
}

}  // namespace pylon::sim::rest_internal
