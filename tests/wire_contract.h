// Copyright 2026 The Pylon Gateway Authors.
// Prints the wire contract of a set of .proto files as stable text: file options, every message
// with its fields (number, type, label, jstype, oneof), every enum value, every service with its
// full method paths. Two sets of files with the same text are wire-compatible for every language.

#pragma once

#include <string>
#include <vector>

namespace google::protobuf {
class DescriptorPool;
}

namespace pylon {

// The public files, with the published import paths.
const std::vector<std::string>& PublicProtoFiles();

// The contract text of `files` as found in `pool`. Files missing from the pool are reported in
// the text as "missing file <name>".
std::string PrintWireContract(const google::protobuf::DescriptorPool& pool,
                              const std::vector<std::string>& files);

}  // namespace pylon
