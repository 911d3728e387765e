using System;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace CoSched.Bench;

/// <summary>The three aqueue_throughput variants; one operation is one item put and got.</summary>
public enum QueueVariant
{
    /// <summary>Reference: unbounded queue, one producer puts n (never waits), then one consumer gets n.</summary>
    Unbounded,

    /// <summary>Contended: bounded(64), one producer and one consumer alternate as the buffer fills and empties.</summary>
    Bounded,

    /// <summary>Contended: bounded(64), four producers (n/4 each) and one consumer.</summary>
    BoundedFanIn,
}

internal static class QueueVariants
{
    internal const int Items = 10_000;
    internal const int Capacity = 64;

    internal static string Name(QueueVariant v) => v switch
    {
        QueueVariant.Unbounded => "aqueue unbounded",
        QueueVariant.Bounded => "aqueue bounded(64)",
        _ => "aqueue bounded(64) 4p/1c",
    };

    internal static int Producers(QueueVariant v) => v == QueueVariant.BoundedFanIn ? 4 : 1;
}

/// <summary>aqueue_throughput on CoSched: <see cref="CoQueue{T}"/> Unbounded or Blocking(64), producers and a consumer
/// spawned as background coroutines and drained scheduler-only.</summary>
public sealed class QueueThroughputCoSched : CoSchedScenario
{
    private readonly QueueVariant _variant;
    private readonly int _producers;
    private readonly Func<CoTask>[] _workers;
    private CoQueue<int> _queue = null!;
    private int _received;

    /// <summary>The consumer's sum, kept so the reads cannot be optimised away.</summary>
    public long Checksum { get; private set; }

    public QueueThroughputCoSched(QueueVariant variant)
    {
        _variant = variant;
        _producers = QueueVariants.Producers(variant);
        // The producers, then the consumer.
        _workers = new Func<CoTask>[_producers + 1];
        for (int i = 0; i < _producers; i++) _workers[i] = Produce;
        _workers[_producers] = Consume;
    }

    public override string Name => QueueVariants.Name(_variant);
    public override int Operations => QueueVariants.Items;
    public override string Unit => "item";
    public override double? TargetNs => _variant == QueueVariant.BoundedFanIn ? null : 8;

    protected internal override Func<CoTask>[] Workers => _workers;

    // Reused across runs, like the channel of the baseline: an unbounded ring grows once and is then reused.
    protected internal override void Bind(Scheduler scheduler) =>
        _queue = _variant == QueueVariant.Unbounded
            ? CoQueue<int>.Unbounded(scheduler)
            : CoQueue<int>.Blocking(QueueVariants.Capacity, scheduler);

    protected internal override void BeforeRun() => _received = 0;
    protected internal override void Check() => Drain.Check(_received, QueueVariants.Items, "items received");

    private async CoTask Produce()
    {
        CoQueue<int> queue = _queue;
        int n = QueueVariants.Items / _producers;
        for (int i = 0; i < n; i++) await queue.Put(i);
    }

    private async CoTask Consume()
    {
        CoQueue<int> queue = _queue;
        long sum = 0;
        for (int i = 0; i < QueueVariants.Items; i++) sum += await queue.Get();
        _received = QueueVariants.Items;
        Checksum = sum;
    }
}

/// <summary>aqueue_throughput baseline: System.Threading.Channels (unbounded single reader/writer, or bounded(64) with
/// one or four writers) driven by async Task methods under <see cref="SingleThreadContext"/>.</summary>
public sealed class QueueThroughputChannel : Scenario
{
    private readonly QueueVariant _variant;
    private readonly int _producers;
    private readonly Task[] _tasks;
    private readonly SingleThreadContext _context = new();
    private readonly Func<Task> _all;
    private Channel<int> _channel = null!;
    private int _received;

    /// <summary>The consumer's sum, kept so the reads cannot be optimised away.</summary>
    public long Checksum { get; private set; }

    public QueueThroughputChannel(QueueVariant variant)
    {
        _variant = variant;
        _producers = QueueVariants.Producers(variant);
        _tasks = new Task[_producers + 1];
        _all = All;
    }

    public override string Name => QueueVariants.Name(_variant);
    public override string Backend => _variant == QueueVariant.Unbounded
        ? "BCL Channel unbounded SRSW"
        : _producers == 1 ? "BCL Channel bounded(64)" : "BCL Channel bounded(64) 4W";
    public override bool IsBaseline => true;
    public override int Operations => QueueVariants.Items;
    public override string Unit => "item";

    public override void Setup() =>
        _channel = _variant == QueueVariant.Unbounded
            ? Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true })
            : Channel.CreateBounded<int>(new BoundedChannelOptions(QueueVariants.Capacity)
            {
                SingleReader = true,
                SingleWriter = _producers == 1,
                FullMode = BoundedChannelFullMode.Wait,
            });

    public override void Run()
    {
        _received = 0;
        _context.Run(_all);
        Drain.Check(_received, QueueVariants.Items, "items received");
    }

    private Task All()
    {
        for (int i = 0; i < _producers; i++) _tasks[i] = Produce();
        _tasks[_producers] = Consume();
        return Task.WhenAll(_tasks);
    }

    private async Task Produce()
    {
        ChannelWriter<int> writer = _channel.Writer;
        int n = QueueVariants.Items / _producers;
        for (int i = 0; i < n; i++) await writer.WriteAsync(i);
    }

    private async Task Consume()
    {
        ChannelReader<int> reader = _channel.Reader;
        long sum = 0;
        for (int i = 0; i < QueueVariants.Items; i++) sum += await reader.ReadAsync();
        _received = QueueVariants.Items;
        Checksum = sum;
    }
}
