// Most classes here wait on timers (flush windows, Power BI's pacing, redrive backoff) rather than the CPU, so four
// classes at once finish sooner than the default one per core; classes sharing DynamoDB Local and Azurite still run one
// after another in their collection.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 4)]
