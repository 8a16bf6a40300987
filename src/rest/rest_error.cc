// Copyright 2026 The Pylon Gateway Authors.

#include "rest/rest_error.h"

#include <simdjson.h>

namespace pylon::rest {
namespace {

namespace dom = simdjson::dom;

constexpr size_t kMaxFields = 100;

std::string Join(const std::vector<std::string>& path, bool single_embed) {
  std::string out;
  size_t start = 0;
  if (single_embed && !path.empty() && path[0] == "embeds") {
    out = "embed";  // the request's one embed, sent as embeds[0]
    start = path.size() >= 2 && path[1] == "0" ? 2 : 1;
  }
  for (size_t i = start; i < path.size(); ++i) {
    if (!out.empty()) out.push_back('.');
    out += path[i];
  }
  return out;
}

void Flatten(dom::element e, std::vector<std::string>* path, bool single_embed,
             rpb::RestError::ValidationError* out, int depth) {
  dom::object object;
  if (depth > 32 || e.get_object().get(object) != simdjson::SUCCESS) return;
  for (auto field : object) {
    if (out->fields_size() >= static_cast<int>(kMaxFields)) return;
    if (field.key == "_errors") {
      dom::array errors;
      if (field.value.get_array().get(errors) != simdjson::SUCCESS) continue;
      for (dom::element error : errors) {
        if (out->fields_size() >= static_cast<int>(kMaxFields)) return;
        auto* f = out->add_fields();
        f->set_path(Join(*path, single_embed));
        std::string_view text;
        if (error["code"].get_string().get(text) == simdjson::SUCCESS)
          f->set_code(std::string(text));
        if (error["message"].get_string().get(text) == simdjson::SUCCESS) {
          f->set_message(std::string(text));
        }
      }
      continue;
    }
    path->emplace_back(field.key);
    Flatten(field.value, path, single_embed, out, depth + 1);
    path->pop_back();
  }
}

struct Body {
  uint32_t code = 0;
  std::string message;
  dom::element errors;
  bool has_errors = false;
};

Body ReadBody(dom::parser& parser, const net::HttpResponse& response) {
  Body body;
  dom::element root;
  if (parser.parse(response.body).get(root) == simdjson::SUCCESS &&
      root.type() == dom::element_type::OBJECT) {
    uint64_t code = 0;
    if (root["code"].get_uint64().get(code) == simdjson::SUCCESS) {
      body.code = static_cast<uint32_t>(code);
    }
    std::string_view message;
    if (root["message"].get_string().get(message) == simdjson::SUCCESS) {
      body.message = std::string(message);
    }
    if (root["errors"].get(body.errors) == simdjson::SUCCESS &&
        body.errors.type() == dom::element_type::OBJECT) {
      body.has_errors = true;
    }
  } else if (!response.body.empty()) {
    body.message = response.body.substr(0, 200);  // e.g. a proxy's HTML or text error page
  }
  if (body.message.empty()) body.message = "HTTP " + std::to_string(response.status);
  return body;
}

}  // namespace

uint32_t JsonCode(std::string_view text) {
  dom::parser parser;
  dom::element root;
  uint64_t code = 0;
  if (parser.parse(text.data(), text.size()).get(root) == simdjson::SUCCESS &&
      root["code"].get_uint64().get(code) == simdjson::SUCCESS) {
    return static_cast<uint32_t>(code);
  }
  return 0;
}

rpb::RestError ErrorFromHttp(const net::HttpResponse& response, bool single_embed) {
  dom::parser parser;
  Body body = ReadBody(parser, response);
  rpb::RestError out;
  switch (response.status) {
    case 400: {
      auto* v = out.mutable_validation_error();
      v->set_message(body.message);
      if (body.has_errors) {
        std::vector<std::string> path;
        Flatten(body.errors, &path, single_embed, v, 0);
      }
      if (v->fields_size() == 0) {
        auto* f = v->add_fields();
        f->set_code(std::to_string(body.code));
        f->set_message(body.message);
      }
      break;
    }
    case 404: {
      auto* n = out.mutable_resource_not_found();
      n->set_code(body.code);
      n->set_message(body.message);
      break;
    }
    case 401:
    case 403: {
      auto* a = out.mutable_access_denied();
      a->set_code(body.code);
      a->set_message(body.message);
      break;
    }
    case 429: {
      // Only when the limiter gave up retrying (it normally answers these itself).
      auto* r = out.mutable_rate_limited();
      RateLimitHeaders h = ParseRateLimitHeaders(response);
      r->set_global(h.global);
      break;
    }
    default: {
      auto* u = out.mutable_unknown_error();
      u->set_http_status(static_cast<uint32_t>(response.status));
      u->set_code(body.code);
      u->set_message(body.message);
    }
  }
  return out;
}

rpb::RestError ErrorFromRefusal(const Refusal& refusal) {
  rpb::RestError out;
  if (refusal.kind == Refusal::Kind::kAccessDenied) {
    auto* a = out.mutable_access_denied();
    a->set_code(refusal.code);
    a->set_message(refusal.message);
  } else {
    auto* r = out.mutable_rate_limited();
    r->set_global(refusal.global);
    r->set_retry_at(refusal.retry_at);
  }
  return out;
}

rpb::RestError ErrorFromTransport(const Error& error) {
  rpb::RestError out;
  auto* u = out.mutable_unknown_error();
  u->set_http_status(0);
  u->set_code(0);
  u->set_message("Discord could not be reached: " + error.ToString());
  return out;
}

rpb::RestError MalformedAnswer(int http_status, const Error& error) {
  rpb::RestError out;
  auto* u = out.mutable_unknown_error();
  u->set_http_status(static_cast<uint32_t>(http_status));
  u->set_message("malformed answer from Discord: " + error.message());
  return out;
}

rpb::RestError AccessDenied(uint32_t code, std::string message) {
  rpb::RestError out;
  out.mutable_access_denied()->set_code(code);
  out.mutable_access_denied()->set_message(std::move(message));
  return out;
}

rpb::RestError NotFoundError(uint32_t code, std::string message) {
  rpb::RestError out;
  out.mutable_resource_not_found()->set_code(code);
  out.mutable_resource_not_found()->set_message(std::move(message));
  return out;
}

rpb::RestError BadRequest(uint32_t code, std::string message) {
  rpb::RestError out;
  auto* v = out.mutable_validation_error();
  v->set_message(message);
  auto* f = v->add_fields();
  f->set_code(std::to_string(code));
  f->set_message(std::move(message));
  return out;
}

void FormErrors::Add(std::string path, std::string code, std::string message) {
  fields_.push_back({std::move(path), std::move(code), std::move(message)});
}

rpb::RestError FormErrors::ToError() const {
  rpb::RestError out;
  auto* v = out.mutable_validation_error();
  v->set_message("Invalid Form Body");
  for (const Field& f : fields_) {
    auto* field = v->add_fields();
    field->set_path(f.path);
    field->set_code(f.code);
    field->set_message(f.message);
  }
  return out;
}

}  // namespace pylon::rest
