// Copyright 2026 The Pylon Gateway Authors.
// An example worker: connects to a worker group's event stream over the published Pylon gRPC
// API, prints every event with the object as it was cached before the event, acknowledges what
// it received whenever the server asks (heartbeats), and drains on Ctrl-C. It is what a bot's
// event-handling process looks like, in about 200 lines.
//
//   pylon-example-worker --group demo --token-env PYLON_WORKER_TOKEN [--server 127.0.0.1:4021]
//                        [--consumer-id worker-1] [--events MESSAGE_CREATE,GUILD_MEMBER_UPDATE]
//                        [--quiet]

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "discord/v1/event.pb.h"
#include "gateway/v1/workergroup_service.grpc.pb.h"

namespace {

namespace ev = ::pylon::discord::v1::event;
namespace wg = ::pylon::gateway::v1::workergroup;
using ::pylon::gateway::v1::service::GatewayWorkerGroup;

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

// The event inside an envelope: its oneof field (e.g. message_create_event) and the message.
const google::protobuf::Message* EventOf(const ev::EventEnvelope& envelope, std::string* name) {
  const auto* oneof = envelope.GetDescriptor()->FindOneofByName("event_data");
  const auto* reflection = envelope.GetReflection();
  const auto* field = reflection->GetOneofFieldDescriptor(envelope, oneof);
  if (field == nullptr) return nullptr;
  *name = field->name();
  return &reflection->GetMessage(envelope, field);
}

void Print(const ev::EventEnvelope& envelope) {
  std::string name;
  const google::protobuf::Message* event = EventOf(envelope, &name);
  if (event == nullptr) {
    std::cout << "#" << envelope.header().seq() << " (an envelope without an event)\n";
    return;
  }
  std::cout << "#" << envelope.header().seq() << " " << name << " " << ToJson(*event) << "\n";
  const auto* previous = event->GetDescriptor()->FindFieldByName("previously_cached");
  if (previous != nullptr && event->GetReflection()->HasField(*event, previous)) {
    std::cout << "    previously cached: "
              << ToJson(event->GetReflection()->GetMessage(*event, previous)) << "\n";
  }
  std::cout.flush();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pylon-example-worker: prints a worker group's events"};
  std::string server = "127.0.0.1:4021";
  std::string group;
  std::string token_env;
  std::string token_file;
  std::string consumer_id = "example-worker";
  std::string events;
  bool quiet = false;
  app.add_option("--server", server, "host:port of pylon serve");
  app.add_option("--group", group, "the worker group")->required();
  app.add_option("--token-env", token_env, "environment variable holding the group's token");
  app.add_option("--token-file", token_file, "file holding the group's token");
  app.add_option("--consumer-id", consumer_id, "this worker's name in the group");
  app.add_option("--events", events, "only these event types (comma-separated)");
  app.add_flag("--quiet", quiet, "count events instead of printing them");
  CLI11_PARSE(app, argc, argv);

  std::string token;
  if (!token_env.empty() && std::getenv(token_env.c_str()) != nullptr) {
    token = std::getenv(token_env.c_str());
  } else if (!token_file.empty()) {
    std::ifstream in(token_file);
    std::getline(in, token);
  }
  if (token.empty()) {
    std::cerr << "pylon-example-worker: give the group's token with --token-env or --token-file\n";
    return 2;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto channel = grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  auto stub = GatewayWorkerGroup::NewStub(channel);
  std::atomic<uint64_t> last_sequence{0};
  std::atomic<bool> draining{false};
  std::atomic<uint64_t> received{0};

  // Ctrl-C: ask to drain; the server re-routes what we have not acknowledged, then ends the call.
  grpc::ClientContext* current = nullptr;
  std::mutex mutex;
  grpc::ClientReaderWriter<wg::WorkerStreamClientMessage, wg::WorkerStreamServerMessage>* stream =
      nullptr;
  std::thread signal_thread([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    draining = true;
    std::lock_guard lock(mutex);
    if (stream != nullptr) {
      wg::WorkerStreamClientMessage drain;
      drain.mutable_drain_request()->set_sequence(last_sequence.load());
      stream->Write(drain);
    }
  });

  int exit_code = 0;
  while (!draining) {
    grpc::ClientContext context;
    if (!events.empty()) context.AddMetadata("x-pylon-event-types", events);
    auto call = stub->WorkerStream(&context);
    {
      std::lock_guard lock(mutex);
      current = &context;
      stream = call.get();
      wg::WorkerStreamClientMessage identify;
      identify.mutable_identify_request()->set_auth_token(token);
      identify.mutable_identify_request()->set_consumer_group(group);
      identify.mutable_identify_request()->set_consumer_id(consumer_id);
      identify.mutable_identify_request()->set_last_sequence(last_sequence.load());
      call->Write(identify);
    }
    wg::WorkerStreamServerMessage message;
    bool closed_by_server = false;
    while (call->Read(&message)) {
      switch (message.payload_case()) {
        case wg::WorkerStreamServerMessage::kIdentifyResponse:
          std::cerr << "identified; router ticket " << message.identify_response().router_ticket()
                    << "\n";
          break;
        case wg::WorkerStreamServerMessage::kEventEnvelope:
          last_sequence = message.event_envelope().header().seq();
          if (quiet) {
            if (++received % 10000 == 0) std::cerr << received << " events\n";
          } else {
            Print(message.event_envelope());
          }
          break;
        case wg::WorkerStreamServerMessage::kHeartbeatRequest: {
          wg::WorkerStreamClientMessage ack;
          ack.mutable_heartbeat_ack()->set_nonce(message.heartbeat_request().nonce());
          ack.mutable_heartbeat_ack()->set_sequence(last_sequence.load());
          std::lock_guard lock(mutex);
          call->Write(ack);
          break;
        }
        case wg::WorkerStreamServerMessage::kStreamClosed:
          std::cerr << "stream closed: "
                    << wg::WorkerStreamClosed::CloseReason_Name(message.stream_closed().reason())
                    << "\n";
          closed_by_server = true;
          if (message.stream_closed().reason() == wg::WorkerStreamClosed::INVALID_IDENTITY) {
            exit_code = 1;
            draining = true;
          }
          break;
        case wg::WorkerStreamServerMessage::PAYLOAD_NOT_SET:
          break;
      }
    }
    {
      std::lock_guard lock(mutex);
      stream = nullptr;
      current = nullptr;
      call->WritesDone();
    }
    grpc::Status status = call->Finish();
    if (!status.ok()) std::cerr << "stream ended: " << status.error_message() << "\n";
    if (!draining && !closed_by_server) {
      // The server ended the call without stream_closed: it wants us back (e.g. it restarted).
      std::this_thread::sleep_for(std::chrono::seconds(1));
    } else if (!draining) {
      std::this_thread::sleep_for(std::chrono::seconds(5));
    }
  }
  (void)current;
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  std::cerr << "drained after " << received.load() << " events\n";
  return exit_code;
}
