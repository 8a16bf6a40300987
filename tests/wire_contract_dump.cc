// Copyright 2026 The Pylon Gateway Authors.
// pylon-wire-contract: prints the wire contract of the public files in a FileDescriptorSet, in
// the golden's format. Used to check the golden against another copy of the protos:
//   protoc -I <dir> --include_imports --descriptor_set_out=x.desc <the public files>
//   pylon-wire-contract x.desc | diff - tests/golden/wire_contract.txt

#include <fstream>
#include <iostream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "wire_contract.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: pylon-wire-contract <descriptor set>\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  google::protobuf::FileDescriptorSet set;
  if (!in || !set.ParseFromIstream(&in)) {
    std::cerr << "cannot read a FileDescriptorSet from " << argv[1] << "\n";
    return 1;
  }
  google::protobuf::DescriptorPool pool;
  for (const auto& file : set.file()) {
    if (pool.BuildFile(file) == nullptr) {
      std::cerr << "cannot build " << file.name() << " (use --include_imports)\n";
      return 1;
    }
  }
  std::cout << pylon::PrintWireContract(pool, pylon::PublicProtoFiles());
  return 0;
}
