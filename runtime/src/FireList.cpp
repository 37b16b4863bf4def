// WeirFireList: what one firing of a windowed aggregate emits, put in
// window-end order (runtime.h). Sessions close in any order within the key
// table; users read results by time.
#include "weir/runtime.h"

#include <algorithm>
#include <vector>

struct WeirFireList {
  struct Item {
    int64_t time;
    uint64_t entry, item;
    uint64_t added; // the order of weir_fire_list_add
  };
  std::vector<Item> items;
};

extern "C" {

WeirFireList *weir_fire_list_new(void) { return new WeirFireList; }

void weir_fire_list_add(WeirFireList *list, int64_t time, uint64_t entry, uint64_t item) {
  list->items.push_back({time, entry, item, list->items.size()});
}

uint64_t weir_fire_list_sort(WeirFireList *list) {
  // By time; items were added in the firing's key order (first-seen,
  // weir_timers_pop_due), each key's in item order, and that order breaks ties.
  std::sort(list->items.begin(), list->items.end(), [](const auto &a, const auto &b) {
    return a.time != b.time ? a.time < b.time : a.added < b.added;
  });
  return list->items.size();
}

uint64_t weir_fire_list_entry(const WeirFireList *list, uint64_t i) { return list->items[i].entry; }
uint64_t weir_fire_list_item(const WeirFireList *list, uint64_t i) { return list->items[i].item; }
void weir_fire_list_free(WeirFireList *list) { delete list; }

} // extern "C"
