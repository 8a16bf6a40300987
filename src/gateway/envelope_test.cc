// Copyright 2026 The Pylon Gateway Authors.
// The envelope helpers, checked against the proto descriptors rather than hand-written lists, so
// that an event or a MESSAGE_UPDATE field added to the protos without its helper fails here.

#include "gateway/envelope.h"

#include <cctype>
#include <set>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

namespace pylon::gateway {
namespace {

namespace ev = ::pylon::discord::v1::event;
namespace model = ::pylon::discord::v1::model;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::MessageDifferencer;

const google::protobuf::OneofDescriptor* EventCases() {
  return ev::EventEnvelope::descriptor()->FindOneofByName("event_data");
}

TEST(EnvelopeTest, EveryEventCaseHasAScope) {
  const auto* cases = EventCases();
  ASSERT_NE(cases, nullptr);
  ASSERT_GT(cases->field_count(), 0);
  for (int i = 0; i < cases->field_count(); ++i) {
    const FieldDescriptor* field = cases->field(i);
    SCOPED_TRACE(field->name());
    ev::EventEnvelope envelope;
    Message* event = envelope.GetReflection()->MutableMessage(&envelope, field);
    const FieldDescriptor* scope_field = event->GetDescriptor()->FindFieldByName("scope");
    ASSERT_NE(scope_field, nullptr) << "the event message has no `scope`";
    ASSERT_EQ(scope_field->message_type(), ev::EventScope::descriptor());

    ev::EventScope* scope = MutableScope(envelope);
    ASSERT_NE(scope, nullptr) << "MutableScope does not know this case";
    // It is that event's own scope, and leaves the case as it was.
    EXPECT_EQ(scope, event->GetReflection()->MutableMessage(event, scope_field));
    EXPECT_EQ(envelope.GetReflection()->GetOneofFieldDescriptor(envelope, cases), field);
    scope->set_bot_id(613425648685547541);
    scope->set_guild_id(81384788765712384);

    ev::EventEnvelope parsed;
    ASSERT_TRUE(parsed.ParseFromString(envelope.SerializeAsString()));
    const Message& parsed_event = parsed.GetReflection()->GetMessage(parsed, field);
    const auto& parsed_scope = static_cast<const ev::EventScope&>(
        parsed_event.GetReflection()->GetMessage(parsed_event, scope_field));
    EXPECT_EQ(parsed_scope.bot_id(), 613425648685547541u);
    EXPECT_EQ(parsed_scope.guild_id(), 81384788765712384u);
  }
  ev::EventEnvelope empty;
  EXPECT_EQ(MutableScope(empty), nullptr);
}

// Discord's dispatch name of an event case: guild_create_event -> GUILD_CREATE.
std::string DispatchName(const FieldDescriptor* field) {
  std::string name = field->name();
  const std::string suffix = "_event";
  if (name.size() > suffix.size() && name.ends_with(suffix))
    name.resize(name.size() - suffix.size());
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name == "RESUME") return "RESUMED";
  return name;
}

TEST(EnvelopeTest, StaticEventNameKnowsEveryEventCaseAndOwnsItsStorage) {
  const auto* cases = EventCases();
  for (int i = 0; i < cases->field_count(); ++i) {
    std::string name = DispatchName(cases->field(i));
    std::string_view result = StaticEventName(name);
    EXPECT_EQ(result, name);
    EXPECT_NE(static_cast<const void*>(result.data()), static_cast<const void*>(name.data()));
  }
  EXPECT_EQ(StaticEventName("THREAD_CREATE"), "UNKNOWN_EVENT");
  EXPECT_EQ(StaticEventName("GUILD_MEMBERS_CHUNK"), "UNKNOWN_EVENT");
  EXPECT_EQ(StaticEventName(""), "UNKNOWN_EVENT");
  EXPECT_EQ(StaticEventName("message_create"), "UNKNOWN_EVENT");  // names are case-sensitive
}

// Sets every field of `m` (recursively, a few levels deep) to a value that is not the default.
void Fill(Message* m, int depth = 0) {
  const Descriptor* d = m->GetDescriptor();
  const Reflection* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    int n = i + 1;
    if (f->is_repeated()) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 3) Fill(r->AddMessage(m, f), depth + 1);
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          r->AddInt32(m, f, n);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          r->AddInt64(m, f, n);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          r->AddUInt32(m, f, n);
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          r->AddUInt64(m, f, 1000 + n);
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          r->AddDouble(m, f, n);
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          r->AddFloat(m, f, n);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          r->AddBool(m, f, true);
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          r->AddEnum(m, f, f->enum_type()->value(f->enum_type()->value_count() - 1));
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          r->AddString(m, f, "s" + std::to_string(n));
          break;
      }
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 3) Fill(r->MutableMessage(m, f), depth + 1);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        r->SetInt32(m, f, n);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        r->SetInt64(m, f, n);
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        r->SetUInt32(m, f, n);
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        r->SetUInt64(m, f, 1000 + n);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        r->SetDouble(m, f, n);
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        r->SetFloat(m, f, n);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        r->SetBool(m, f, true);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        r->SetEnum(m, f, f->enum_type()->value(f->enum_type()->value_count() - 1));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        r->SetString(m, f, "s" + std::to_string(n));
        break;
    }
  }
}

// Whether field `fa` of `a` holds the same value as field `fb` of `b` (same kind of field).
bool SameValue(const Message& a, const FieldDescriptor* fa, const Message& b,
               const FieldDescriptor* fb) {
  if (fa->cpp_type() != fb->cpp_type() || fa->is_repeated() != fb->is_repeated()) return false;
  const Reflection* ra = a.GetReflection();
  const Reflection* rb = b.GetReflection();
  if (fa->is_repeated()) {
    int size = ra->FieldSize(a, fa);
    if (size != rb->FieldSize(b, fb)) return false;
    for (int i = 0; i < size; ++i) {
      bool same = true;
      switch (fa->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          same = MessageDifferencer::Equals(ra->GetRepeatedMessage(a, fa, i),
                                            rb->GetRepeatedMessage(b, fb, i));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          same = ra->GetRepeatedUInt64(a, fa, i) == rb->GetRepeatedUInt64(b, fb, i);
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          same = ra->GetRepeatedString(a, fa, i) == rb->GetRepeatedString(b, fb, i);
          break;
        default:
          ADD_FAILURE() << "unhandled repeated type of " << fa->full_name();
          return false;
      }
      if (!same) return false;
    }
    return true;
  }
  switch (fa->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return fa->message_type() == fb->message_type() &&
             MessageDifferencer::Equals(ra->GetMessage(a, fa), rb->GetMessage(b, fb));
    case FieldDescriptor::CPPTYPE_STRING:
      return ra->GetString(a, fa) == rb->GetString(b, fb);
    case FieldDescriptor::CPPTYPE_BOOL:
      return ra->GetBool(a, fa) == rb->GetBool(b, fb);
    case FieldDescriptor::CPPTYPE_UINT32:
      return ra->GetUInt32(a, fa) == rb->GetUInt32(b, fb);
    case FieldDescriptor::CPPTYPE_UINT64:
      return ra->GetUInt64(a, fa) == rb->GetUInt64(b, fb);
    case FieldDescriptor::CPPTYPE_ENUM:
      return fa->enum_type() == fb->enum_type() &&
             ra->GetEnumValue(a, fa) == rb->GetEnumValue(b, fb);
    default:
      ADD_FAILURE() << "unhandled type of " << fa->full_name();
      return false;
  }
}

// Whether raw field `rf` of `raw` carries field `mf` of `message`: directly (the same type, e.g.
// SnowflakeValue, Timestamp) or in a one-field wrapper (StringValue, the *ListValue messages...).
bool Carries(const ev::MessageUpdateEvent_PayloadData& raw, const FieldDescriptor* rf,
             const model::MessageData& message, const FieldDescriptor* mf) {
  if (rf->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
      rf->message_type() == mf->message_type()) {
    return SameValue(raw, rf, message, mf);
  }
  const Message& wrapper = raw.GetReflection()->GetMessage(raw, rf);
  if (wrapper.GetDescriptor()->field_count() != 1) {
    ADD_FAILURE() << rf->full_name() << " is neither " << mf->full_name()
                  << "'s type nor a wrapper";
    return false;
  }
  return SameValue(wrapper, wrapper.GetDescriptor()->field(0), message, mf);
}

model::MessageData FullMessage() {
  model::MessageData message;
  Fill(&message);
  return message;
}

TEST(EnvelopeTest, RawMessageUpdateCarriesEveryPresentFieldUnderItsName) {
  model::MessageData message = FullMessage();
  std::bitset<64> present;
  for (int i = 0; i < model::MessageData::descriptor()->field_count(); ++i) {
    present.set(model::MessageData::descriptor()->field(i)->number());
  }
  ev::MessageUpdateEvent_PayloadData raw;
  BuildRawMessageUpdate(message, present, &raw);
  const Descriptor* raw_type = ev::MessageUpdateEvent_PayloadData::descriptor();
  for (int i = 0; i < raw_type->field_count(); ++i) {
    const FieldDescriptor* rf = raw_type->field(i);
    SCOPED_TRACE(rf->name());
    const FieldDescriptor* mf = model::MessageData::descriptor()->FindFieldByName(rf->name());
    ASSERT_NE(mf, nullptr) << "no MessageData field of that name";
    if (rf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      EXPECT_TRUE(raw.GetReflection()->HasField(raw, rf)) << "not set though present";
    }
    EXPECT_TRUE(Carries(raw, rf, message, mf)) << "does not carry MessageData." << mf->name();
  }
}

TEST(EnvelopeTest, RawMessageUpdateSetsOnlyWhatWasPresent) {
  model::MessageData message = FullMessage();
  const Descriptor* raw_type = ev::MessageUpdateEvent_PayloadData::descriptor();
  const Descriptor* message_type = model::MessageData::descriptor();
  for (int i = 0; i < message_type->field_count(); ++i) {
    const FieldDescriptor* mf = message_type->field(i);
    SCOPED_TRACE(mf->name());
    std::bitset<64> present;
    present.set(mf->number());
    ev::MessageUpdateEvent_PayloadData raw;
    BuildRawMessageUpdate(message, present, &raw);
    // id and channel_id always (Discord always sends them); besides, only the field present.
    std::set<std::string> expected = {"id", "channel_id"};
    if (raw_type->FindFieldByName(mf->name()) != nullptr) expected.insert(mf->name());
    std::vector<const FieldDescriptor*> set_fields;
    raw.GetReflection()->ListFields(raw, &set_fields);
    std::set<std::string> actual;
    for (const FieldDescriptor* f : set_fields) actual.insert(f->name());
    EXPECT_EQ(actual, expected);
  }
  // Nothing present: only the ids.
  ev::MessageUpdateEvent_PayloadData raw;
  BuildRawMessageUpdate(message, {}, &raw);
  EXPECT_EQ(raw.id(), message.id());
  EXPECT_EQ(raw.channel_id(), message.channel_id());
  EXPECT_FALSE(raw.has_content());
  EXPECT_FALSE(raw.has_author());
}

TEST(EnvelopeTest, ACompleteMessageHasIdChannelContentTimestampAndAuthor) {
  using M = model::MessageData;
  const int required[] = {M::kIdFieldNumber, M::kChannelIdFieldNumber, M::kContentFieldNumber,
                          M::kTimestampFieldNumber, M::kAuthorFieldNumber};
  std::bitset<64> present;
  for (int field : required) present.set(field);
  EXPECT_TRUE(IsCompleteMessage(present));
  for (int field : required) {
    std::bitset<64> missing = present;
    missing.reset(field);
    EXPECT_FALSE(IsCompleteMessage(missing)) << field;
  }
  std::bitset<64> all;
  all.set();
  EXPECT_TRUE(IsCompleteMessage(all));
  EXPECT_FALSE(IsCompleteMessage({}));
}

}  // namespace
}  // namespace pylon::gateway
