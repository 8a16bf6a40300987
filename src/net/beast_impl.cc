// Copyright 2026 The Pylon Gateway Authors.
// The single translation unit that compiles Boost.Beast and Asio's SSL support (separate
// compilation; Asio itself is compiled in runtime/asio_impl.cc).

#include <utility>  // see runtime/asio.h

#include <boost/beast/src.hpp>

#include <boost/asio/ssl/impl/src.hpp>
