#pragma once
// How many cores this process may run on.

namespace strata {

// The CPUs in this process's affinity mask (taskset, a container's cpuset), at least 1;
// std::thread::hardware_concurrency() counts every CPU of the machine, and event loops
// or warm processes beyond the cores they may use only take turns on them.
unsigned usable_cores();

}  // namespace strata
