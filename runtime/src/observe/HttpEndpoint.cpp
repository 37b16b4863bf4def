#include "runtime/src/observe/HttpEndpoint.h"

#include "runtime/src/observe/PrometheusText.h"
#include "runtime/src/observe/Views.h"

#include <httplib.h>

#include <chrono>

namespace weir::rt {
namespace {
// Scrapes and a browser or two: the library's default pool would start a
// thread per core and more.
constexpr size_t kServerThreads = 2;
} // namespace

Status HttpEndpoint::start(const std::string &host, int port, Telemetry &telemetry,
                           std::unique_ptr<HttpEndpoint> &out) {
  std::unique_ptr<HttpEndpoint> endpoint(new HttpEndpoint());
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  server->Get("/metrics", [&telemetry](const httplib::Request &, httplib::Response &res) {
    Telemetry::Sample sample = telemetry.sample();
    res.set_content(metricsText(sample), PrometheusText::kContentType);
    if (sample.figures.finished)
      telemetry.markFinalScraped();
  });
  server->Get("/status.json", [&telemetry](const httplib::Request &, httplib::Response &res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(statusJson(telemetry.sample()), "application/json");
  });
  server->Get("/", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(statusPageHtml(), "text/html; charset=utf-8");
  });
  int bound = port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    return Status::error(WEIR_ERR_IO, "--metrics: cannot listen on " + host + ":" + std::to_string(port) +
                                          " (in use, or not an address of this machine)");
  endpoint->port_ = bound;
  httplib::Server *raw = server.get();
  endpoint->server_ = std::move(server);
  endpoint->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // stop() before the loop has started would not end it: wait for it.
  for (int i = 0; i < 1000 && !raw->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  out = std::move(endpoint);
  return {};
}

HttpEndpoint::~HttpEndpoint() {
  if (server_)
    server_->stop();
  if (thread_.joinable())
    thread_.join();
}

} // namespace weir::rt
