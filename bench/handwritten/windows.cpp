// The hand-written baselines for the windowed batch queries of
// bench/windows/*.weir, all over `source ... event_time ts watermark 5s`:
//
//   tumbling  key by user_id | window tumbling(1m)
//             | aggregate n = count(), total = sum(amount), biggest = max(amount)
//   hopping   key by user_id | window hopping(size = 10m, slide = 1m)
//             | aggregate n = count(), total = sum(amount)
//   session   key by user_id | window session(gap = 5m)
//             | aggregate n = count(), total = sum(amount)
//   rolling   key by user_id | window rolling(1h)
//             | aggregate n_1h = count(), total_1h = sum(amount)
//             | select txn_id, user_id, ts, n_1h, total_1h
//
// written as a careful engineer would stream them: simdjson On Demand over
// large chunks of the file, users in an open-addressing table, and per user
// the state the kind needs (the open minute windows; one-minute slices that
// hopping windows sum; the open sessions; a time-sorted deque of the last
// hour's rows with a running count and sum). Windows are emitted when the
// watermark passes them, through per-user timers (a bucket per minute for
// tumbling and hopping, a min-heap for sessions and rolling rows), so memory
// stays bounded by what is open.
//
// The semantics are Weir's (docs/language.md, "Event time and windows"): the
// watermark is the largest event time so far minus 5 s; a row whose ts is
// below the watermark before it arrives is late and dropped (counted on
// stderr); windows are aligned to the epoch; a session takes rows less than
// the gap apart (transitively) and ends at last event + gap; a rolling row
// counts the key's rows with ts in [ts - 1h, ts], peers with equal ts included,
// and is emitted once the watermark is past its ts. Output is JSON lines with
// Weir's columns; rows come out in another order than Weir's (compare them
// as sets).
//
// Usage: windows_handwritten --kind tumbling|hopping|session|rolling INPUT OUTPUT
// Windowed pipelines read their input in order (the watermark follows it),
// so this program is single-threaded, as Weir's windowed pipelines are.
#include "LineChunks.h"
#include "common/TimeFormat.h"

#include <simdjson.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "windows_handwritten: %s\n", msg.c_str());
  std::exit(1);
}

constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute;
constexpr int64_t kWatermarkMs = 5'000;
constexpr int64_t kTumble = kMinute;                      // tumbling(1m)
constexpr int64_t kHopSize = 10 * kMinute, kHopSlide = kMinute; // hopping(10m, 1m)
constexpr int64_t kGap = 5 * kMinute;                     // session(gap = 5m)
constexpr int64_t kRolling = kHour;                       // rolling(1h)
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

inline int64_t floorTo(int64_t ts, int64_t unit) {
  int64_t q = ts / unit;
  if (ts % unit < 0)
    --q;
  return q * unit;
}

// ------------------------------------------------------------ output

// JSON lines into a FILE*, in 1 MiB writes.
class JsonOut {
public:
  explicit JsonOut(const std::string &path) : path_(path), f_(std::fopen(path.c_str(), "wb")) {
    if (!f_)
      die(path + ": " + std::strerror(errno));
    buf_.reserve(kFlushAt + 512);
  }
  ~JsonOut() {
    flush();
    if (std::fclose(f_) != 0)
      die(path_ + ": write failed");
  }
  void raw(std::string_view s) { buf_.append(s); }
  template <class T> void num(T v) { // doubles: shortest round-trip, as Weir
    char tmp[64];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  void time(int64_t ms) {
    char tmp[weir::rt::kMaxTimestampChars];
    buf_.push_back('"');
    buf_.append(tmp, weir::rt::formatTimestamp(ms, tmp));
    buf_.push_back('"');
  }
  void endRow() {
    buf_ += "}\n";
    if (buf_.size() >= kFlushAt)
      flush();
  }
  // {"user_id":U,"window_start":"S","window_end":"E","n":N,"total":T
  void windowHead(int64_t user, int64_t start, int64_t end, int64_t n, double total) {
    raw("{\"user_id\":");
    num(user);
    raw(",\"window_start\":");
    time(start);
    raw(",\"window_end\":");
    time(end);
    raw(",\"n\":");
    num(n);
    raw(",\"total\":");
    num(total);
  }

private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      die(path_ + ": write failed");
    buf_.clear();
  }
  static constexpr size_t kFlushAt = 1 << 20;
  std::string path_;
  FILE *f_;
  std::string buf_;
};

// ------------------------------------------------------------ users

inline uint64_t mix64(uint64_t x) { // murmur3's finalizer
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

// user_id -> dense index (open addressing, linear probing, at most half full).
class UserIndex {
public:
  UserIndex() { rehash(1 << 12); }
  // The user's index; `isNew` says whether it was just added.
  uint32_t find(int64_t userId, bool &isNew) {
    size_t i = mix64(uint64_t(userId)) & mask_;
    while (true) {
      Slot &s = slots_[i];
      if (s.position != 0 && s.user_id == userId) {
        isNew = false;
        return s.position - 1;
      }
      if (s.position == 0) {
        ids_.push_back(userId);
        s = Slot{userId, uint32_t(ids_.size())};
        isNew = true;
        if (ids_.size() * 2 > slots_.size())
          rehash(slots_.size() * 2);
        return uint32_t(ids_.size() - 1);
      }
      i = (i + 1) & mask_;
    }
  }
  int64_t id(uint32_t index) const { return ids_[index]; }

private:
  struct Slot {
    int64_t user_id;
    uint32_t position; // 1 + index; 0 marks an empty slot
  };
  void rehash(size_t n) {
    slots_.assign(n, Slot{0, 0});
    mask_ = n - 1;
    for (uint32_t k = 0; k < ids_.size(); ++k) {
      size_t i = mix64(uint64_t(ids_[k])) & mask_;
      while (slots_[i].position != 0)
        i = (i + 1) & mask_;
      slots_[i] = Slot{ids_[k], k + 1};
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<int64_t> ids_;
};

// Timers: (time, user index), earliest first. A user keeps the time of the
// one timer it counts on (`armed`); entries that no longer match are skipped.
using TimerHeap = std::priority_queue<std::pair<int64_t, uint32_t>,
                                      std::vector<std::pair<int64_t, uint32_t>>,
                                      std::greater<std::pair<int64_t, uint32_t>>>;

// Timers at whole minutes (tumbling and hopping windows end on them): one
// bucket of users per minute, in a deque from the earliest pending minute.
// Constant time per timer, where a heap costs a log per push and pop.
class MinuteTimers {
public:
  void emplace(int64_t at, uint32_t u) {
    int64_t minute = at / kMinute; // at is a multiple of kMinute
    if (buckets_.empty())
      base_ = minute;
    while (minute < base_) { // earlier than any pending minute
      buckets_.emplace_front();
      --base_;
    }
    size_t i = size_t(minute - base_);
    if (i >= buckets_.size())
      buckets_.resize(i + 1);
    buckets_[i].push_back(u);
  }
  // Calls fire(at, u) for each timer at or before wm, earliest minute first;
  // fire may add timers.
  template <class F> void fireUpTo(int64_t wm, F fire) {
    while (!buckets_.empty() && base_ <= wm / kMinute - (wm % kMinute < 0)) {
      std::vector<uint32_t> due = std::move(buckets_.front());
      buckets_.pop_front();
      int64_t at = base_++ * kMinute;
      for (uint32_t u : due)
        fire(at, u);
    }
  }

private:
  std::deque<std::vector<uint32_t>> buckets_;
  int64_t base_ = 0;
};

struct Row {
  std::string_view txnId; // valid during add() only
  int64_t ts;
  double amount;
};

// ------------------------------------------------------------ tumbling(1m)

class Tumbling {
public:
  explicit Tumbling(JsonOut &out) : out_(out) {}
  void newUser() { users_.emplace_back(); }
  void add(uint32_t u, const Row &r) {
    int64_t start = floorTo(r.ts, kTumble);
    std::vector<Win> &open = users_[u];
    Win *w = nullptr;
    for (Win &x : open) // one or two open minutes per user
      if (x.start == start)
        w = &x;
    if (!w) {
      open.push_back(Win{start, 0, 0.0, -std::numeric_limits<double>::infinity()});
      w = &open.back();
      timers_.emplace(start + kTumble, u); // each window is emitted exactly once
    }
    ++w->n;
    w->total += r.amount;
    w->biggest = std::max(w->biggest, r.amount);
  }
  void advance(int64_t wm, const UserIndex &ids) {
    timers_.fireUpTo(wm, [&](int64_t end, uint32_t u) {
      std::vector<Win> &open = users_[u];
      for (size_t i = 0; i < open.size(); ++i) {
        if (open[i].start + kTumble != end)
          continue;
        out_.windowHead(ids.id(u), open[i].start, end, open[i].n, open[i].total);
        out_.raw(",\"biggest\":");
        out_.num(open[i].biggest);
        out_.endRow();
        open[i] = open.back();
        open.pop_back();
        break;
      }
    });
  }

private:
  struct Win {
    int64_t start, n;
    double total, biggest;
  };
  JsonOut &out_;
  std::vector<std::vector<Win>> users_;
  MinuteTimers timers_;
};

// ------------------------------------------------------------ hopping(10m, 1m)

// Per user the non-empty one-minute slices (sorted); a window is the sum of
// the ten slices it covers. Window starts below `nextStart` are emitted.
class Hopping {
public:
  explicit Hopping(JsonOut &out) : out_(out) {}
  void newUser() { users_.emplace_back(); }
  void add(uint32_t u, const Row &r) {
    User &user = users_[u];
    int64_t start = floorTo(r.ts, kHopSlide);
    auto it = user.slices.end();
    while (it != user.slices.begin() && std::prev(it)->start >= start)
      --it;
    if (it == user.slices.end() || it->start != start)
      it = user.slices.insert(it, Slice{start, 0, 0.0});
    ++it->n;
    it->total += r.amount;
    arm(u, user);
  }
  void advance(int64_t wm, const UserIndex &ids) {
    timers_.fireUpTo(wm, [&](int64_t at, uint32_t u) {
      User &user = users_[u];
      if (at != user.armed)
        return;
      user.armed = kNever;
      fire(u, user, wm, ids);
      arm(u, user);
    });
  }

private:
  struct Slice {
    int64_t start, n;
    double total;
  };
  struct User {
    std::vector<Slice> slices;
    int64_t nextStart = std::numeric_limits<int64_t>::min();
    int64_t armed = kNever;
  };
  // The first window not yet emitted that holds a slice.
  static int64_t firstWindow(const User &user) {
    return std::max(user.nextStart, user.slices.front().start - kHopSize + kHopSlide);
  }
  void arm(uint32_t u, User &user) {
    if (user.slices.empty())
      return;
    int64_t end = firstWindow(user) + kHopSize;
    if (end < user.armed) {
      user.armed = end;
      timers_.emplace(end, u);
    }
  }
  void fire(uint32_t u, User &user, int64_t wm, const UserIndex &ids) {
    while (!user.slices.empty()) {
      int64_t s = firstWindow(user);
      if (s + kHopSize > wm)
        break;
      int64_t n = 0;
      double total = 0;
      for (const Slice &x : user.slices) {
        if (x.start >= s + kHopSize)
          break;
        n += x.n;
        total += x.total;
      }
      out_.windowHead(ids.id(u), s, s + kHopSize, n, total);
      out_.endRow();
      user.nextStart = s + kHopSlide;
      size_t drop = 0;
      while (drop < user.slices.size() && user.slices[drop].start < user.nextStart)
        ++drop;
      user.slices.erase(user.slices.begin(), user.slices.begin() + ptrdiff_t(drop));
    }
  }
  JsonOut &out_;
  std::vector<User> users_;
  MinuteTimers timers_;
};

// ------------------------------------------------------------ session(gap = 5m)

class Sessions {
public:
  explicit Sessions(JsonOut &out) : out_(out) {}
  void newUser() { users_.emplace_back(); }
  void add(uint32_t u, const Row &r) {
    User &user = users_[u];
    std::vector<Session> &open = user.open; // sorted by first; usually one
    // The sessions the row touches are contiguous: those with
    // first - gap < ts < last + gap.
    size_t lo = 0;
    while (lo < open.size() && !(r.ts < open[lo].last + kGap))
      ++lo;
    size_t hi = lo;
    while (hi < open.size() && open[hi].first - kGap < r.ts)
      ++hi;
    if (lo == hi) {
      open.insert(open.begin() + ptrdiff_t(lo), Session{r.ts, r.ts, 1, r.amount});
    } else {
      Session &s = open[lo];
      for (size_t k = lo + 1; k < hi; ++k) { // the row bridges sessions: merge
        s.last = std::max(s.last, open[k].last);
        s.n += open[k].n;
        s.total += open[k].total;
      }
      open.erase(open.begin() + ptrdiff_t(lo + 1), open.begin() + ptrdiff_t(hi));
      s.first = std::min(s.first, r.ts);
      s.last = std::max(s.last, r.ts);
      ++s.n;
      s.total += r.amount;
    }
    arm(u, user);
  }
  void advance(int64_t wm, const UserIndex &ids) {
    while (!timers_.empty() && timers_.top().first <= wm) {
      auto [at, u] = timers_.top();
      timers_.pop();
      User &user = users_[u];
      if (at != user.armed)
        continue;
      user.armed = kNever;
      std::vector<Session> &open = user.open;
      size_t kept = 0;
      for (size_t k = 0; k < open.size(); ++k) {
        if (open[k].last + kGap <= wm) {
          out_.windowHead(ids.id(u), open[k].first, open[k].last + kGap, open[k].n, open[k].total);
          out_.endRow();
        } else {
          open[kept++] = open[k];
        }
      }
      open.resize(kept);
      arm(u, user);
    }
  }

private:
  struct Session {
    int64_t first, last, n;
    double total;
  };
  struct User {
    std::vector<Session> open;
    int64_t armed = kNever;
  };
  // A timer at the earliest end; an extended session's older timer finds
  // nothing to emit and re-arms.
  void arm(uint32_t u, User &user) {
    int64_t end = kNever;
    for (const Session &s : user.open)
      end = std::min(end, s.last + kGap);
    if (end < user.armed) {
      user.armed = end;
      timers_.emplace(end, u);
    }
  }
  JsonOut &out_;
  std::vector<User> users_;
  TimerHeap timers_;
};

// ------------------------------------------------------------ rolling(1h)

// Per user the rows of the last hour sorted by ts, with a running count and
// sum over rows[0, hi); rows[0, emitted) have been emitted.
class Rolling {
public:
  explicit Rolling(JsonOut &out) : out_(out) {}
  void newUser() { users_.emplace_back(); }
  void add(uint32_t u, const Row &r) {
    if (r.txnId.size() > sizeof(Kept::id))
      die("txn_id longer than " + std::to_string(sizeof(Kept::id)) + " bytes");
    User &user = users_[u];
    Kept k{r.ts, r.amount, uint8_t(r.txnId.size()), {}};
    std::memcpy(k.id, r.txnId.data(), r.txnId.size());
    // Not late, so ts >= watermark > every emitted row's ts: the row goes
    // after rows[hi) and the running sums stay valid.
    auto it = user.rows.end();
    while (it != user.rows.begin() && std::prev(it)->ts > r.ts)
      --it;
    user.rows.insert(it, k);
    timers_.emplace(r.ts, u);
  }
  // Emits the rows with ts < wm: no row that is not late can join their
  // windows any more (peers with the same ts included).
  void advance(int64_t wm, const UserIndex &ids) {
    while (!timers_.empty() && timers_.top().first < wm) {
      uint32_t u = timers_.top().second;
      timers_.pop();
      User &user = users_[u];
      while (user.emitted < user.rows.size() && user.rows[user.emitted].ts < wm) {
        int64_t ts = user.rows[user.emitted].ts;
        while (user.hi < user.rows.size() && user.rows[user.hi].ts <= ts) {
          ++user.n;
          user.sum += user.rows[user.hi++].amount;
        }
        while (user.rows.front().ts < ts - kRolling) {
          --user.n;
          user.sum -= user.rows.front().amount;
          user.rows.pop_front();
          --user.hi;
          --user.emitted;
        }
        const Kept &k = user.rows[user.emitted++];
        out_.raw("{\"txn_id\":\"");
        out_.raw(std::string_view(k.id, k.idLen)); // generated ids need no escaping
        out_.raw("\",\"user_id\":");
        out_.num(ids.id(u));
        out_.raw(",\"ts\":");
        out_.time(k.ts);
        out_.raw(",\"n_1h\":");
        out_.num(user.n);
        out_.raw(",\"total_1h\":");
        out_.num(user.sum);
        out_.endRow();
      }
    }
  }

private:
  struct Kept {
    int64_t ts;
    double amount;
    uint8_t idLen;
    char id[23];
  };
  struct User {
    std::deque<Kept> rows;
    size_t hi = 0, emitted = 0;
    int64_t n = 0;
    double sum = 0;
  };
  JsonOut &out_;
  std::vector<User> users_;
  TimerHeap timers_;
};

// ------------------------------------------------------------ the stream

// Reads INPUT in order, applies the watermark and feeds the window kind.
template <class Kind> uint64_t run(const std::string &input, bool needsId, Kind &kind) {
  int fd = ::open(input.c_str(), O_RDONLY);
  if (fd < 0)
    die(input + ": " + std::strerror(errno));
  const uint64_t size = uint64_t(::lseek(fd, 0, SEEK_END));
  weir_bench::LineChunks chunks(fd, 0, size);
  simdjson::ondemand::parser parser;
  UserIndex ids;
  int64_t maxTs = std::numeric_limits<int64_t>::min();
  int64_t wm = std::numeric_limits<int64_t>::min();
  uint64_t late = 0;
  const char *data;
  size_t len;
  using namespace simdjson;
  while (chunks.next(data, len)) {
    ondemand::document_stream stream;
    if (auto err = parser.iterate_many(data, len, 4 << 20).get(stream))
      die(std::string("JSON: ") + error_message(err));
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      ondemand::document_reference doc;
      ondemand::object obj;
      int64_t userId;
      std::string_view tsText;
      Row r;
      error_code err = (*it).get(doc);
      if (!err) err = doc.get_object().get(obj);
      if (!err && needsId) err = obj["txn_id"].get_string().get(r.txnId);
      if (!err) err = obj["user_id"].get_int64().get(userId);
      if (!err) err = obj["amount"].get_double().get(r.amount);
      if (!err) err = obj["ts"].get_string().get(tsText);
      if (err)
        die(std::string("bad JSON record: ") + error_message(err));
      if (!weir::rt::parseTimestamp(tsText.data(), tsText.size(), r.ts))
        die("bad ts: " + std::string(tsText));
      if (r.ts < wm) { // late: below the watermark before it arrived
        ++late;
        continue;
      }
      bool isNew;
      uint32_t u = ids.find(userId, isNew);
      if (isNew)
        kind.newUser();
      kind.add(u, r);
      if (r.ts > maxTs) {
        maxTs = r.ts;
        if (maxTs - kWatermarkMs > wm) {
          wm = maxTs - kWatermarkMs;
          kind.advance(wm, ids);
        }
      }
    }
    if (stream.truncated_bytes() != 0)
      die("truncated JSON record at the end of the input");
  }
  ::close(fd);
  kind.advance(kNever, ids); // the end of a file: every window completes
  return late;
}

} // namespace

int main(int argc, char **argv) {
  std::string kindName, input, output;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--kind" && i + 1 < argc) kindName = argv[++i];
    else if (input.empty()) input = argv[i];
    else if (output.empty()) output = argv[i];
    else die("unexpected argument " + std::string(a));
  }
  if (input.empty() || output.empty())
    die("usage: windows_handwritten --kind tumbling|hopping|session|rolling INPUT OUTPUT");
  uint64_t late;
  {
    JsonOut out(output);
    if (kindName == "tumbling") {
      Tumbling k(out);
      late = run(input, false, k);
    } else if (kindName == "hopping") {
      Hopping k(out);
      late = run(input, false, k);
    } else if (kindName == "session") {
      Sessions k(out);
      late = run(input, false, k);
    } else if (kindName == "rolling") {
      Rolling k(out);
      late = run(input, true, k);
    } else {
      die("--kind must be tumbling, hopping, session or rolling");
    }
  }
  std::fprintf(stderr, "%s: %llu late rows dropped\n", kindName.c_str(), (unsigned long long)late);
  return 0;
}
