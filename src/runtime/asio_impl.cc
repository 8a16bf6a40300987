// Copyright 2026 The Pylon Gateway Authors.
// The single translation unit that compiles Boost.Asio (separate compilation).

#include <utility>  // see runtime/asio.h

#include <boost/asio/impl/src.hpp>
