// The container metrics of the reference runtime (ListMetricDescriptors, ListPodSandboxMetrics):
// the cAdvisor container_* families the kubelet serves on /metrics/cadvisor, which a runtime with
// the CRI stats provider has to produce, with values derived from the simulated stats and the
// container's resources. Every metric carries its descriptor's labels, in order.

export interface MetricDescriptor {
  readonly name: string;
  readonly help: string;
  readonly labelKeys: readonly string[];
}

type Kind = 'COUNTER' | 'GAUGE';

/** The labels cAdvisor puts on every container metric. */
const BASE = ['container', 'id', 'image', 'name', 'namespace', 'pod'] as const;

/** name, kind, help, extra label keys. */
const FAMILIES: ReadonlyArray<readonly [string, Kind, string, readonly string[]]> = [
  ['container_blkio_device_usage_total', 'COUNTER', 'Blkio device bytes usage', ['device', 'major', 'minor', 'operation']],
  ['container_cpu_cfs_periods_total', 'COUNTER', 'Number of elapsed enforcement period intervals.', []],
  ['container_cpu_cfs_throttled_periods_total', 'COUNTER', 'Number of throttled period intervals.', []],
  ['container_cpu_cfs_throttled_seconds_total', 'COUNTER', 'Total time duration the container has been throttled.', []],
  ['container_cpu_system_seconds_total', 'COUNTER', 'Cumulative system cpu time consumed in seconds.', []],
  ['container_cpu_usage_seconds_total', 'COUNTER', 'Cumulative cpu time consumed in seconds.', ['cpu']],
  ['container_cpu_user_seconds_total', 'COUNTER', 'Cumulative user cpu time consumed in seconds.', []],
  ['container_file_descriptors', 'GAUGE', 'Number of open file descriptors for the container.', []],
  ['container_fs_inodes_free', 'GAUGE', 'Number of available Inodes', ['device']],
  ['container_fs_inodes_total', 'GAUGE', 'Number of Inodes', ['device']],
  ['container_fs_limit_bytes', 'GAUGE', 'Number of bytes that can be consumed by the container on this filesystem.', ['device']],
  ['container_fs_reads_bytes_total', 'COUNTER', 'Cumulative count of bytes read', ['device']],
  ['container_fs_reads_total', 'COUNTER', 'Cumulative count of reads completed', ['device']],
  ['container_fs_usage_bytes', 'GAUGE', 'Number of bytes that are consumed by the container on this filesystem.', ['device']],
  ['container_fs_writes_bytes_total', 'COUNTER', 'Cumulative count of bytes written', ['device']],
  ['container_fs_writes_total', 'COUNTER', 'Cumulative count of writes completed', ['device']],
  ['container_hugetlb_max_usage_bytes', 'GAUGE', 'Hugepages max usage in bytes', ['pagesize']],
  ['container_hugetlb_usage_bytes', 'GAUGE', 'Hugepages usage in bytes', ['pagesize']],
  ['container_last_seen', 'GAUGE', 'Last time a container was seen by the exporter', []],
  ['container_memory_cache', 'GAUGE', 'Number of bytes of page cache memory.', []],
  ['container_memory_failcnt', 'COUNTER', 'Number of memory usage hits limits', []],
  ['container_memory_failures_total', 'COUNTER', 'Cumulative count of memory allocation failures.', ['failure_type', 'scope']],
  ['container_memory_kernel_usage', 'GAUGE', 'Size of kernel memory allocated in bytes.', []],
  ['container_memory_mapped_file', 'GAUGE', 'Size of memory mapped files in bytes.', []],
  ['container_memory_max_usage_bytes', 'GAUGE', 'Maximum memory usage recorded in bytes', []],
  ['container_memory_rss', 'GAUGE', 'Size of RSS in bytes.', []],
  ['container_memory_swap', 'GAUGE', 'Container swap usage in bytes.', []],
  ['container_memory_usage_bytes', 'GAUGE', 'Current memory usage in bytes, including all memory regardless of when it was accessed', []],
  ['container_memory_working_set_bytes', 'GAUGE', 'Current working set in bytes.', []],
  ['container_network_receive_bytes_total', 'COUNTER', 'Cumulative count of bytes received', ['interface']],
  ['container_network_receive_errors_total', 'COUNTER', 'Cumulative count of errors encountered while receiving', ['interface']],
  ['container_network_receive_packets_dropped_total', 'COUNTER', 'Cumulative count of packets dropped while receiving', ['interface']],
  ['container_network_receive_packets_total', 'COUNTER', 'Cumulative count of packets received', ['interface']],
  ['container_network_transmit_bytes_total', 'COUNTER', 'Cumulative count of bytes transmitted', ['interface']],
  ['container_network_transmit_errors_total', 'COUNTER', 'Cumulative count of errors encountered while transmitting', ['interface']],
  ['container_network_transmit_packets_dropped_total', 'COUNTER', 'Cumulative count of packets dropped while transmitting', ['interface']],
  ['container_network_transmit_packets_total', 'COUNTER', 'Cumulative count of packets transmitted', ['interface']],
  ['container_oom_events_total', 'COUNTER', 'Count of out of memory events observed for the container', []],
  ['container_pressure_cpu_stalled_seconds_total', 'COUNTER', 'Total time duration no tasks in the container could make progress due to CPU congestion.', []],
  ['container_pressure_cpu_waiting_seconds_total', 'COUNTER', 'Total time duration tasks in the container have waited due to CPU congestion.', []],
  ['container_pressure_io_stalled_seconds_total', 'COUNTER', 'Total time duration no tasks in the container could make progress due to IO congestion.', []],
  ['container_pressure_io_waiting_seconds_total', 'COUNTER', 'Total time duration tasks in the container have waited due to IO congestion.', []],
  ['container_pressure_memory_stalled_seconds_total', 'COUNTER', 'Total time duration no tasks in the container could make progress due to memory congestion.', []],
  ['container_pressure_memory_waiting_seconds_total', 'COUNTER', 'Total time duration tasks in the container have waited due to memory congestion.', []],
  ['container_processes', 'GAUGE', 'Number of processes running inside the container.', []],
  ['container_sockets', 'GAUGE', 'Number of open sockets for the container.', []],
  ['container_spec_cpu_period', 'GAUGE', 'CPU period of the container.', []],
  ['container_spec_cpu_quota', 'GAUGE', 'CPU quota of the container.', []],
  ['container_spec_cpu_shares', 'GAUGE', 'CPU share of the container.', []],
  ['container_spec_memory_limit_bytes', 'GAUGE', 'Memory limit for the container.', []],
  ['container_spec_memory_reservation_limit_bytes', 'GAUGE', 'Memory reservation limit for the container.', []],
  ['container_spec_memory_swap_limit_bytes', 'GAUGE', 'Memory swap limit for the container.', []],
  ['container_start_time_seconds', 'GAUGE', 'Start time of the container since unix epoch in seconds.', []],
  ['container_threads', 'GAUGE', 'Number of threads running inside the container', []],
  ['container_threads_max', 'GAUGE', 'Maximum number of threads allowed inside the container, infinity if value is zero', []],
  ['container_ulimits_soft', 'GAUGE', 'Soft ulimit values for the container root process. Unlimited if -1, except priority and nice', ['ulimit']],
];

export const METRIC_DESCRIPTORS: readonly MetricDescriptor[] = FAMILIES.map(([name, , help, extra]) => ({ name, help, labelKeys: [...BASE, ...extra] }));

/** What the simulated container offers its metrics. */
export interface MetricSource {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly podName: string;
  readonly namespace: string;
  readonly running: boolean;
  readonly startedAtNanos: number;
  readonly cpuNanos: number;
  readonly memoryBytes: number;
  readonly layerBytes: number;
  readonly layerFiles: number;
  readonly processes: number;
  readonly oomKilled: boolean;
  readonly resources: { cpuPeriod?: number; cpuQuota?: number; cpuShares?: number; memoryLimitInBytes?: number; memorySwapLimitInBytes?: number };
}

/** Values of the extra labels, and the value, of one family for one container. */
function sample(name: string, c: MetricSource): { extra: string[]; value: number } {
  const seconds = c.cpuNanos / 1e9;
  const values: Record<string, number> = {
    container_cpu_usage_seconds_total: seconds,
    container_cpu_user_seconds_total: seconds,
    container_fs_inodes_total: 1_000_000,
    container_fs_inodes_free: 1_000_000 - c.layerFiles,
    container_fs_usage_bytes: c.layerBytes,
    container_fs_limit_bytes: 1 << 30,
    container_last_seen: Date.now() / 1000,
    container_memory_max_usage_bytes: c.memoryBytes,
    container_memory_rss: c.memoryBytes / 2,
    container_memory_usage_bytes: c.memoryBytes,
    container_memory_working_set_bytes: c.memoryBytes,
    container_oom_events_total: c.oomKilled ? 1 : 0,
    container_processes: c.processes,
    container_threads: c.processes,
    container_spec_cpu_period: c.resources.cpuPeriod ?? 100_000,
    container_spec_cpu_quota: c.resources.cpuQuota ?? 0,
    container_spec_cpu_shares: c.resources.cpuShares ?? 2,
    container_spec_memory_limit_bytes: c.resources.memoryLimitInBytes ?? 0,
    container_spec_memory_swap_limit_bytes: c.resources.memorySwapLimitInBytes ?? 0,
    container_start_time_seconds: c.startedAtNanos / 1e9,
  };
  const extra: Record<string, string[]> = {
    container_blkio_device_usage_total: ['/dev/conformal0', '254', '0', 'Write'],
    container_cpu_usage_seconds_total: ['total'],
    container_memory_failures_total: ['pgfault', 'container'],
    container_hugetlb_max_usage_bytes: ['2Mi'],
    container_hugetlb_usage_bytes: ['2Mi'],
    container_ulimits_soft: ['max_open_files'],
  };
  const family = FAMILIES.find((f) => f[0] === name)!;
  const labels = extra[name] ?? family[3].map((key) => (key === 'interface' ? 'eth0' : key === 'device' ? '/dev/conformal0' : ''));
  return { extra: labels, value: values[name] ?? (name === 'container_ulimits_soft' ? 1_048_576 : 0) };
}

/** Every family for one container, each metric labelled in its descriptor's order. */
export function containerMetrics(c: MetricSource, timestamp: number): Array<{ name: string; timestamp: number; metricType: Kind; labelValues: string[]; value: { value: number } }> {
  return FAMILIES.map(([name, kind]) => {
    const { extra, value } = sample(name, c);
    return { name, timestamp, metricType: kind, labelValues: [c.name, c.id, c.image, c.name, c.namespace, c.podName, ...extra], value: { value: Math.round(value) } };
  });
}
