// `queue`: a tiny in-memory message broker over HTTP, standing for Kafka or RabbitMQ.
//   POST /publish?topic=T   body = payload; request headers "x-msg-NAME: V" are the message's
//                           headers (traceparent travels here). Answers x-msg-id. Traced.
//   GET  /consume?topic=T&wait_ms=N   long-polls up to N ms; 200 with the oldest message
//                           (headers back as x-msg-NAME, plus x-msg-id), or 204. Not traced: a
//                           poll is plumbing, the consumer's CONSUMER span is the story.
// Each topic holds at most kMaxMessagesPerTopic messages; publishing to a full topic drops the
// oldest (counted in the SERVER span's messaging.dropped attribute).
// Thread rule: topics are guarded by one mutex; handlers run concurrently.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services.h"

namespace weft::shop {
namespace {

constexpr size_t kMaxMessagesPerTopic = 10000;
constexpr int64_t kMaxWaitMs = 30000;
constexpr std::string_view kHeaderPrefix = "x-msg-";

struct Message {
  uint64_t id = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class Broker {
 public:
  // Returns the message's id and how many old messages were dropped to make room.
  std::pair<uint64_t, size_t> Publish(const std::string& topic, Message message) {
    std::lock_guard lock(mutex_);
    message.id = ++last_id_;
    std::deque<Message>& queue = topics_[topic];
    size_t dropped = 0;
    while (queue.size() >= kMaxMessagesPerTopic) {
      queue.pop_front();
      ++dropped;
    }
    const uint64_t id = message.id;
    queue.push_back(std::move(message));
    arrived_.notify_all();
    return {id, dropped};
  }

  // The oldest message of `topic`, waiting up to `wait` for one.
  std::optional<Message> Consume(const std::string& topic, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    std::deque<Message>& queue = topics_[topic];
    if (!arrived_.wait_for(lock, wait, [&] { return !queue.empty(); })) return std::nullopt;
    Message message = std::move(queue.front());
    queue.pop_front();
    return message;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::map<std::string, std::deque<Message>> topics_;  // guarded by mutex_
  uint64_t last_id_ = 0;                               // guarded by mutex_
};

}  // namespace

ServiceDefinition MakeQueueBroker(const ServiceContext& /*context*/) {
  // shared_ptr: the broker is shared by the handler copies std::function makes.
  auto broker = std::make_shared<Broker>();
  ServiceDefinition service;
  service.untraced_paths = {"/consume"};
  service.handle = [broker](const ServerRequest& request, Span& span) -> HttpResponse {
    const std::string topic = request.query.Get("topic");
    if (topic.empty()) return ErrorResponse(http::status::bad_request, "topic is required");
    if (request.path == "/publish") {
      Message message;
      for (const auto& field : request.http) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name.starts_with(kHeaderPrefix)) {
          message.headers.emplace_back(name.substr(kHeaderPrefix.size()),
                                       std::string(field.value()));
        }
      }
      message.body = request.http.body();
      const auto [id, dropped] = broker->Publish(topic, std::move(message));
      span.SetAttributes({{"messaging.system", "shopq"},
                          {"messaging.destination.name", topic},
                          {"messaging.message.id", std::to_string(id)}});
      if (dropped > 0) span.SetAttribute("messaging.dropped", static_cast<int64_t>(dropped));
      HttpResponse response = MakeResponse(http::status::accepted, "{}");
      response.set("x-msg-id", std::to_string(id));
      return response;
    }
    if (request.path == "/consume") {
      const int64_t wait_ms =
          std::clamp<int64_t>(request.query.GetInt("wait_ms", 1000), 0, kMaxWaitMs);
      std::optional<Message> message = broker->Consume(topic, std::chrono::milliseconds(wait_ms));
      if (!message) return MakeResponse(http::status::no_content, "");
      HttpResponse response = MakeResponse(http::status::ok, std::move(message->body));
      for (const auto& [name, value] : message->headers) {
        response.set(std::string(kHeaderPrefix) + name, value);
      }
      response.set("x-msg-id", std::to_string(message->id));
      return response;
    }
    return NotFound(request.path);
  };
  return service;
}

}  // namespace weft::shop
