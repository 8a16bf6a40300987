// Copyright 2026 The Pylon Gateway Authors.
// Request bodies as Discord reads them (discord-protocol.md §8): JSON, form-urlencoded and
// multipart/form-data (payload_json + files[n]); field readers that record Discord's nested
// "errors" of a 50035 Invalid Form Body; small text helpers (URL decoding, character counts, ISO
// timestamps). Used only by the REST simulator, on its reactor thread.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace pylon::sim::rest_internal {

namespace dom = simdjson::dom;

// Discord's nested validation errors: {"content": {"_errors": [{"code", "message"}]}, ...}.
class FormErrors {
 public:
  // `path` is a list of keys ("embeds", "0", "title"); empty for the whole request.
  void Add(std::vector<std::string> path, std::string_view code, std::string message);
  bool empty() const { return entries_.empty(); }
  // {"code": code, "errors": {...}, "message": message}.
  std::string Render(int code = 50035, std::string_view message = "Invalid Form Body") const;

 private:
  struct Entry {
    std::vector<std::string> path;
    std::string code;
    std::string message;
  };
  std::vector<Entry> entries_;
};

// Reads the fields of one JSON object; every bad value adds an error under its path. Absent
// fields read as nullopt. `nullable` readers return the "cleared" value (empty string, 0) for
// JSON null, as the World's edit structs expect.
class Fields {
 public:
  Fields(dom::element object, FormErrors* errors, std::vector<std::string> prefix = {});

  bool Has(std::string_view key) const;
  bool IsNull(std::string_view key) const;
  dom::element Get(std::string_view key) const;  // valid when Has(key)
  std::vector<std::string> Path(std::string_view key) const;
  FormErrors* errors() const { return errors_; }
  void Error(std::string_view key, std::string_view code, std::string message) const;
  void Require(std::string_view key) const;  // BASE_TYPE_REQUIRED when absent or null

  // A string of min..max characters (Unicode code points).
  std::optional<std::string> String(std::string_view key, size_t min, size_t max,
                                    bool nullable = false) const;
  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max,
                             bool nullable = false) const;
  std::optional<bool> Bool(std::string_view key) const;
  // A snowflake as a string or a number.
  std::optional<uint64_t> Id(std::string_view key, bool nullable = false) const;
  std::optional<std::vector<uint64_t>> IdList(std::string_view key, size_t max) const;
  // A permission set: a decimal string (or a number).
  std::optional<uint64_t> Permissions(std::string_view key) const;
  std::optional<dom::array> Array(std::string_view key, size_t max) const;
  std::optional<dom::element> Object(std::string_view key) const;

 private:
  dom::element object_;
  bool is_object_ = false;
  FormErrors* errors_;
  std::vector<std::string> prefix_;
};

// Whether `e` is a JSON object.
inline bool IsObject(dom::element e) { return e.type() == dom::element_type::OBJECT; }

// Parses a snowflake given as a JSON string or number.
std::optional<uint64_t> ElementId(dom::element e);

// A file of a multipart request.
struct UploadedFile {
  std::string field;  // "files[0]"
  std::string filename;
  std::string content_type;
  std::string data;
};

// What a request body holds once decoded.
struct DecodedBody {
  std::string json;  // the JSON text ("{}" when the request had no body)
  std::vector<UploadedFile> files;
};

enum class BodyError { kNone, kContentType, kMultipart };

// Decodes the body by its Content-Type: JSON as is, form-urlencoded into a JSON object of
// strings, multipart into payload_json (or an object of its text parts) plus files.
BodyError DecodeBody(std::string_view content_type, const std::string& body, DecodedBody* out);

// Percent-decoding ('+' kept as is: path segments and header values).
std::string UrlDecode(std::string_view text, bool plus_is_space = false);
// The value of `name` in a query string ("" when absent), percent-decoded.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);
// An integer query parameter in min..max, `fallback` when absent; a bad value adds an error under
// its name and returns nullopt.
std::optional<int64_t> QueryInt(std::string_view query, std::string_view name, int64_t min,
                                int64_t max, int64_t fallback, FormErrors* errors);
// A snowflake query parameter: 0 when absent; a bad value adds an error and returns nullopt.
std::optional<uint64_t> QueryId(std::string_view query, std::string_view name, FormErrors* errors);
// Unicode code points of UTF-8 text (Discord counts characters).
size_t CharCount(std::string_view utf8);
// "2026-01-01T00:00:00.000000+00:00" (any fraction, Z or +hh:mm) to Unix ms.
std::optional<int64_t> ParseIsoTimestamp(std::string_view text);
// A data URI image ("data:image/png;base64,...") -> a nonzero hash seed; nullopt when invalid.
std::optional<uint64_t> ImageHashSeed(std::string_view data_uri, bool* animated = nullptr);

}  // namespace pylon::sim::rest_internal
