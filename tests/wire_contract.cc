// Copyright 2026 The Pylon Gateway Authors.

#include "wire_contract.h"

#include <algorithm>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

namespace pylon {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::ServiceDescriptor;

std::string TypeOf(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      return "message " + field.message_type()->full_name();
    case FieldDescriptor::TYPE_ENUM:
      return "enum " + field.enum_type()->full_name();
    default:
      return field.type_name();
  }
}

std::string LabelOf(const FieldDescriptor& field) {
  if (field.is_repeated()) return "repeated";
  if (field.has_optional_keyword()) return "optional";
  return "singular";
}

void PrintEnum(const EnumDescriptor& e, std::ostringstream& out) {
  out << "enum " << e.full_name() << "\n";
  for (int i = 0; i < e.value_count(); ++i) {
    out << "  value " << e.value(i)->number() << " " << e.value(i)->name() << "\n";
  }
}

void PrintMessage(const Descriptor& m, std::ostringstream& out) {
  out << "message " << m.full_name() << "\n";
  std::vector<const FieldDescriptor*> fields;
  for (int i = 0; i < m.field_count(); ++i) fields.push_back(m.field(i));
  std::sort(fields.begin(), fields.end(),
            [](auto* a, auto* b) { return a->number() < b->number(); });
  for (const FieldDescriptor* f : fields) {
    out << "  field " << f->number() << " " << f->name() << " " << LabelOf(*f) << " " << TypeOf(*f);
    if (f->options().has_jstype()) {
      out << " jstype=" << google::protobuf::FieldOptions::JSType_Name(f->options().jstype());
    }
    if (f->real_containing_oneof() != nullptr) {
      out << " oneof=" << f->real_containing_oneof()->name();
    }
    out << "\n";
  }
  for (int i = 0; i < m.enum_type_count(); ++i) PrintEnum(*m.enum_type(i), out);
  for (int i = 0; i < m.nested_type_count(); ++i) PrintMessage(*m.nested_type(i), out);
}

void PrintService(const ServiceDescriptor& s, std::ostringstream& out) {
  out << "service " << s.full_name() << " (" << s.method_count() << " methods)\n";
  for (int i = 0; i < s.method_count(); ++i) {
    const auto* m = s.method(i);
    out << "  rpc /" << s.full_name() << "/" << m->name() << " "
        << (m->client_streaming() ? "stream " : "") << m->input_type()->full_name() << " -> "
        << (m->server_streaming() ? "stream " : "") << m->output_type()->full_name() << "\n";
  }
}

void PrintFile(const FileDescriptor& file, std::ostringstream& out) {
  const auto& options = file.options();
  out << "file " << file.name() << "\n";
  out << "  syntax " << FileDescriptor::SyntaxName(file.syntax()) << "\n";
  out << "  package " << file.package() << "\n";
  out << "  java_package " << options.java_package() << "\n";
  out << "  java_multiple_files " << (options.java_multiple_files() ? "true" : "false") << "\n";
  out << "  go_package " << options.go_package() << "\n";
  std::vector<std::string> deps;
  for (int i = 0; i < file.dependency_count(); ++i) deps.push_back(file.dependency(i)->name());
  std::sort(deps.begin(), deps.end());
  for (const auto& dep : deps) out << "  import " << dep << "\n";
  for (int i = 0; i < file.enum_type_count(); ++i) PrintEnum(*file.enum_type(i), out);
  for (int i = 0; i < file.message_type_count(); ++i) PrintMessage(*file.message_type(i), out);
  for (int i = 0; i < file.service_count(); ++i) PrintService(*file.service(i), out);
}

}  // namespace

const std::vector<std::string>& PublicProtoFiles() {
  static const std::vector<std::string> files = {
      "discord/v1/model.proto",
      "discord/v1/cache.proto",
      "discord/v1/event.proto",
      "discord/v1/gateway.proto",
      "discord/v1/rest.proto",
      "gateway/v1/cache_service.proto",
      "gateway/v1/dispatch_service.proto",
      "gateway/v1/gateway_service.proto",
      "gateway/v1/rest_service.proto",
      "gateway/v1/workergroup.proto",
      "gateway/v1/workergroup_service.proto",
  };
  return files;
}

std::string PrintWireContract(const google::protobuf::DescriptorPool& pool,
                              const std::vector<std::string>& files) {
  std::ostringstream out;
  for (const std::string& name : files) {
    const FileDescriptor* file = pool.FindFileByName(name);
    if (file == nullptr) {
      out << "missing file " << name << "\n";
      continue;
    }
    PrintFile(*file, out);
  }
  return out.str();
}

}  // namespace pylon
