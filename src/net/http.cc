// Copyright 2026 The Pylon Gateway Authors.

#include "net/http.h"

#include <cerrno>
#include <charconv>

#include <boost/system/error_code.hpp>

#include "net/net_internal.h"

namespace pylon::net {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

uint16_t DefaultPort(std::string_view scheme) {
  return (scheme == "wss" || scheme == "https") ? 443 : 80;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view FindHeader(const std::vector<Header>& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return {};
}

std::string_view HttpRequest::path() const {
  std::string_view view(target);
  return view.substr(0, view.find('?'));
}

std::string_view HttpRequest::query() const {
  std::string_view view(target);
  size_t question = view.find('?');
  return question == std::string_view::npos ? std::string_view() : view.substr(question + 1);
}

std::string Url::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != DefaultPort(scheme)) out += ":" + std::to_string(port);
  return out;
}

Result<Url> ParseUrl(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return InvalidArgument("bad URL '" + std::string(text) + "': " + std::string(why));
  };
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return fail("no scheme");
  Url url;
  url.scheme = LowerAscii(text.substr(0, sep));
  if (url.scheme != "ws" && url.scheme != "wss" && url.scheme != "http" && url.scheme != "https") {
    return fail("scheme must be ws, wss, http or https");
  }
  std::string_view rest = text.substr(sep + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return fail("user info is not supported");

  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated '['");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("junk after ']'");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) != std::string_view::npos) {
      return fail("IPv6 addresses must be in brackets");
    }
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (host.empty()) return fail("no host");
  url.host = LowerAscii(host);

  url.port = DefaultPort(url.scheme);
  if (has_port) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return fail("bad port");
    }
    url.port = static_cast<uint16_t>(value);
  }

  target = target.substr(0, target.find('#'));
  if (target.empty()) {
    url.target = "/";
  } else if (target.front() == '?') {
    url.target = "/" + std::string(target);
  } else {
    url.target = std::string(target);
  }
  return url;
}

namespace internal {

Error ErrorFromCode(const boost::system::error_code& ec, std::string_view what) {
  std::string message = std::string(what) + ": " + ec.message();
  if (ec == boost::system::errc::operation_canceled) return Cancelled(std::move(message));
  if (ec == boost::system::errc::timed_out) return DeadlineExceeded(std::move(message));
  return Unavailable(std::move(message));
}

std::string FormatHostPort(const std::string& address, uint16_t port) {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

}  // namespace internal
}  // namespace pylon::net
