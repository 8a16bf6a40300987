// Copyright 2026 The Pylon Gateway Authors.
// pylonctl: see ctl.h and README.md.

#include <iostream>

#include "ctl/ctl.h"

int main(int argc, char** argv) {
  return pylon::ctl::Run(argc, argv, std::cout, std::cerr, pylon::ctl::ProcessEnvironment());
}
