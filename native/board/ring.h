/* A single-producer single-consumer lock-free ring of fixed-size items: the
 * command queue (control thread -> tick), the event queue (tick -> control
 * thread), the retire queue and the recorders' sample rings. Capacity is a
 * power of two; indices run free (64-bit, never wrap in practice). */
#ifndef HL_BOARD_RING_H
#define HL_BOARD_RING_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

namespace hl {

template <class T>
class Spsc {
 public:
  Spsc() = default;
  Spsc(const Spsc &) = delete;
  Spsc &operator=(const Spsc &) = delete;
  ~Spsc() { delete[] buf_; }

  bool init(size_t capacity_pow2) {
    size_t cap = 1;
    while (cap < capacity_pow2) cap <<= 1;
    buf_ = new (std::nothrow) T[cap];
    if (!buf_) return false;
    mask_ = cap - 1;
    return true;
  }
  size_t capacity() const { return mask_ + 1; }

  bool push(const T &v) {
    uint64_t h = head_.load(std::memory_order_relaxed);
    if (h - tail_.load(std::memory_order_acquire) > mask_) return false;
    buf_[h & mask_] = v;
    head_.store(h + 1, std::memory_order_release);
    return true;
  }
  bool pop(T &v) {
    uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t == head_.load(std::memory_order_acquire)) return false;
    v = buf_[t & mask_];
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  size_t size() const {
    return (size_t)(head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire));
  }
  // Bulk access for sample rings (producer side).
  size_t free_space() const { return capacity() - size(); }
  void push_n(const T *v, size_t n) {  // caller checked free_space(); T trivially copyable
    uint64_t h = head_.load(std::memory_order_relaxed);
    size_t at = (size_t)(h & mask_);
    size_t first = capacity() - at < n ? capacity() - at : n;
    std::memcpy(buf_ + at, v, first * sizeof(T));
    if (n > first) std::memcpy(buf_, v + first, (n - first) * sizeof(T));
    head_.store(h + n, std::memory_order_release);
  }
  // Consumer side: pops up to max items into out.
  size_t pop_n(T *out, size_t max) {
    uint64_t t = tail_.load(std::memory_order_relaxed);
    uint64_t h = head_.load(std::memory_order_acquire);
    size_t n = (size_t)(h - t);
    if (n > max) n = max;
    size_t at = (size_t)(t & mask_);
    size_t first = capacity() - at < n ? capacity() - at : n;
    std::memcpy(out, buf_ + at, first * sizeof(T));
    if (n > first) std::memcpy(out + first, buf_, (n - first) * sizeof(T));
    tail_.store(t + n, std::memory_order_release);
    return n;
  }

 private:
  T *buf_ = nullptr;
  size_t mask_ = 0;
  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint64_t> tail_{0};
};

}  // namespace hl
#endif
