// The --metrics endpoint: /metrics, /status.json and / (Views.h) served by
// cpp-httplib (Debian's libcpp-httplib-dev) on a small thread pool of its
// own, for as long as the object lives.
#pragma once

#include "runtime/src/Status.h"
#include "runtime/src/observe/Telemetry.h"

#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace weir::rt {

class HttpEndpoint {
public:
  // Binds host:port (port 0: any free port) and starts serving.
  static Status start(const std::string &host, int port, Telemetry &telemetry, std::unique_ptr<HttpEndpoint> &out);
  ~HttpEndpoint();
  int port() const { return port_; }

private:
  HttpEndpoint() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

} // namespace weir::rt
