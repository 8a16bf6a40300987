// Copyright 2026 The Pylon Gateway Authors.
// The one way to include Boost.Asio. Only .cc files of runtime/ and net/ include this; headers
// forward-declare io_context instead, so most of the project never parses Asio.
//
// Boost 1.74 with GCC 12 in C++20 mode needs <utility> before Asio ('exchange' is not a member of
// 'std'). Asio is compiled once, in runtime/asio_impl.cc (BOOST_ASIO_SEPARATE_COMPILATION).

#pragma once

#include <utility>  // must precede Asio, see above

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
