using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CoSched;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// Model-based test of <see cref="CoQueue{T}"/>: random sequences of puts and gets by coroutines, TryPut/TryGet by the
/// host, cancels, closes and partial drains run on a real scheduler step by step, and after every operation the queue
/// and every coroutine's outcome must match a simple list-based model. Independently of the model, no item may be
/// lost or duplicated, and at the end every coroutine must have completed or thrown.
/// </summary>
public class QueueModelTests
{
    internal const int Cases = 10_000;

    public enum Op { SpawnPut, SpawnGet, TryPut, TryGet, Cancel, Close, CloseClear, CloseWithError, Step, Drain }

    public readonly record struct QueueStep(Op Op, int Arg)
    {
        public override string ToString() => Op is Op.Cancel or Op.Step ? $"{Op}({Arg})" : Op.ToString();
    }

    public sealed record QueueCase(QueueKind Kind, int Capacity, QueueStep[] Steps)
    {
        public override string ToString() => $"{Kind}({Capacity}): [{string.Join(", ", Steps)}]";
    }

    private static readonly Gen<QueueStep> StepGen = Gen.Frequency(
        (5, Gen.Constant(new QueueStep(Op.SpawnPut, 0))),
        (5, Gen.Constant(new QueueStep(Op.SpawnGet, 0))),
        (2, Gen.Constant(new QueueStep(Op.TryPut, 0))),
        (2, Gen.Constant(new QueueStep(Op.TryGet, 0))),
        (3, Gen.Choose(0, 15).Select(k => new QueueStep(Op.Cancel, k))),
        (4, Gen.Choose(1, 3).Select(n => new QueueStep(Op.Step, n))),
        (2, Gen.Constant(new QueueStep(Op.Drain, 0))),
        (1, Gen.Elements(Op.Close, Op.CloseClear, Op.CloseWithError).Select(op => new QueueStep(op, 0))));

    private static readonly Gen<QueueCase> CaseGen =
        from kind in Gen.Elements(QueueKind.Unbounded, QueueKind.Blocking, QueueKind.DiscardOldest, QueueKind.DiscardLatest)
        from capacity in Gen.Choose(0, 3)
        from length in Gen.Choose(1, 40)
        from steps in StepGen.ArrayOf(length)
        select new QueueCase(kind, capacity, steps);

    private static IEnumerable<QueueCase> Shrink(QueueCase c) =>
        ModelCheck.ShrinkSteps(c.Steps).Select(steps => c with { Steps = steps });

    private static int s_casesRun;

    [Fact]
    public void Queue_matches_the_model_for_random_operation_sequences()
    {
        s_casesRun = 0;
        ModelCheck.Run("CoQueue model", CaseGen, Shrink, Cases, RunCase);
        Assert.Equal(Cases, s_casesRun);
    }

    private static void RunCase(QueueCase c)
    {
        s_casesRun++;
        var s = new Scheduler();
        CoQueue<int> q = c.Kind switch
        {
            QueueKind.Unbounded => CoQueue<int>.Unbounded(s),
            QueueKind.Blocking => CoQueue<int>.Blocking(c.Capacity, s),
            QueueKind.DiscardOldest => CoQueue<int>.DiscardOldest(c.Capacity, s),
            _ => CoQueue<int>.DiscardLatest(c.Capacity, s),
        };
        var model = new QueueModel(c.Kind, c.Capacity);
        var handles = new List<CoroutineHandle>();
        var results = new List<string?>();
        var accepted = new List<int>(); // values whose put returned normally
        var taken = new List<int>();    // values read back, by coroutines or by the host
        var trace = new StringBuilder();
        int nextValue = 0;

        foreach (QueueStep step in c.Steps)
        {
            trace.Append("  ").Append(step).AppendLine();
            switch (step.Op)
            {
                case Op.SpawnPut:
                {
                    int id = handles.Count, v = nextValue++;
                    results.Add(null);
                    handles.Add(s.Spawn(async () =>
                    {
                        try { await q.Put(v); results[id] = "ok"; }
                        catch (CancelledException) { results[id] = "cancelled"; }
                        catch (QueueClosedException) { results[id] = "closed"; }
                        catch (ModelCloseError) { results[id] = "error"; }
                    }));
                    model.Spawn("put", v);
                    break;
                }
                case Op.SpawnGet:
                {
                    int id = handles.Count;
                    results.Add(null);
                    handles.Add(s.Spawn(async () =>
                    {
                        try { results[id] = $"got {await q.Get()}"; }
                        catch (CancelledException) { results[id] = "cancelled"; }
                        catch (QueueClosedException) { results[id] = "closed"; }
                        catch (ModelCloseError) { results[id] = "error"; }
                    }));
                    model.Spawn("get", -1);
                    break;
                }
                case Op.TryPut:
                {
                    int v = nextValue++;
                    string real = ModelCheck.Outcome(() => q.TryPut(v) ? "true" : "false");
                    ModelCheck.Expect(real, model.TryPut(v), $"TryPut({v})", trace);
                    if (real == "true") accepted.Add(v);
                    break;
                }
                case Op.TryGet:
                {
                    string real = ModelCheck.Outcome(() => q.TryGet(out int x) ? $"got {x}" : "false");
                    ModelCheck.Expect(real, model.TryGet(), "TryGet", trace);
                    if (real.StartsWith("got ", StringComparison.Ordinal))
                        taken.Add(int.Parse(real[4..], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                }
                case Op.Cancel:
                    if (handles.Count == 0) break;
                    handles[step.Arg % handles.Count].Cancel();
                    model.Cancel(step.Arg % handles.Count);
                    break;
                case Op.Close:
                case Op.CloseClear:
                case Op.CloseWithError:
                {
                    bool clear = step.Op == Op.CloseClear, error = step.Op == Op.CloseWithError;
                    q.Close(error ? new ModelCloseError() : null, clear);
                    model.Close(error, clear);
                    break;
                }
                case Op.Step:
                    s.RunUntilIdle(DrainBudget.Steps(step.Arg));
                    model.Run(step.Arg);
                    break;
                case Op.Drain:
                    s.RunUntilIdle();
                    model.Run(int.MaxValue);
                    break;
            }
            Compare(q, model, handles, results, trace);
        }

        // The end: run everything, read what is left, close, and every coroutine must have completed or thrown.
        trace.AppendLine("  (final drain, read the rest, close)");
        s.RunUntilIdle();
        model.Run(int.MaxValue);
        Compare(q, model, handles, results, trace);
        if (!q.IsClosed)
        {
            while (true)
            {
                string real = ModelCheck.Outcome(() => q.TryGet(out int x) ? $"got {x}" : "false");
                ModelCheck.Expect(real, model.TryGet(), "final TryGet", trace);
                if (!real.StartsWith("got ", StringComparison.Ordinal)) break;
                taken.Add(int.Parse(real[4..], System.Globalization.CultureInfo.InvariantCulture));
                s.RunUntilIdle(); // a writer whose item moved into the buffer resumes
                model.Run(int.MaxValue);
            }
            q.Close();
            model.Close(error: false, clear: false);
        }
        else
        {
            while (true)
            {
                string real = ModelCheck.Outcome(() => q.TryGet(out int x) ? $"got {x}" : "false");
                ModelCheck.Expect(real, model.TryGet(), "final TryGet", trace);
                if (!real.StartsWith("got ", StringComparison.Ordinal)) break;
                taken.Add(int.Parse(real[4..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        DrainResult end = s.RunUntilIdle();
        model.Run(int.MaxValue);
        Compare(q, model, handles, results, trace);
        if (end.Status != DrainStatus.Completed || results.Any(r => r is null))
            ModelCheck.Fail(trace, $"after close and drain a coroutine is still blocked ({end.Status})");

        // Conservation, checked against the coroutines' own reports rather than the model.
        for (int i = 0; i < handles.Count; i++)
        {
            ModelActor a = model.Actors[i];
            if (a.Operation == "put" && results[i] == "ok") accepted.Add(a.Value);
            if (results[i]!.StartsWith("got ", StringComparison.Ordinal))
                taken.Add(int.Parse(results[i]![4..], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (taken.Distinct().Count() != taken.Count) ModelCheck.Fail(trace, "an item was read twice");
        if (taken.Except(accepted).Any()) ModelCheck.Fail(trace, "an item was read that no put returned for");
        if (accepted.Count != taken.Count + model.Dropped)
            ModelCheck.Fail(trace, $"items lost: {accepted.Count} put, {taken.Count} read, {model.Dropped} dropped by policy or clear");
    }

    private static void Compare(CoQueue<int> q, QueueModel model, List<CoroutineHandle> handles, List<string?> results, StringBuilder trace)
    {
        ModelCheck.CompareActors(handles, results, model, trace);
        ModelCheck.Expect(q.Count, model.Buffer.Count, "Count", trace);
        ModelCheck.Expect(q.ParkedReaders, model.Readers.Count, "parked readers", trace);
        ModelCheck.Expect(q.ParkedWriters, model.Writers.Count, "parked writers", trace);
        ModelCheck.Expect(q.IsClosed, model.Closed, "IsClosed", trace);
    }

    /// <summary>The queue as lists: a buffer, FIFO readers and writers, and the kind's policy.</summary>
    private sealed class QueueModel(QueueKind kind, int capacity) : ModelWorld
    {
        private readonly int _capacity = kind == QueueKind.Unbounded ? int.MaxValue : capacity;
        public readonly List<int> Buffer = new();
        public readonly List<ModelActor> Readers = new();
        public readonly List<ModelActor> Writers = new();
        public bool Closed;
        public int Dropped;
        private string _closedOutcome = "closed";

        public string TryPut(int v)
        {
            if (Closed) return _closedOutcome;
            return PutNow(v, discard: false) ? "true" : "false";
        }

        public string TryGet()
        {
            if (TakeNow(out int v)) return $"got {v}";
            return Closed ? _closedOutcome : "false";
        }

        public void Close(bool error, bool clear)
        {
            if (!Closed)
            {
                Closed = true;
                _closedOutcome = error ? "error" : "closed";
                foreach (ModelActor r in Readers) Wake(r, _closedOutcome);
                Readers.Clear();
                foreach (ModelActor w in Writers) Wake(w, _closedOutcome);
                Writers.Clear();
            }
            if (clear)
            {
                Dropped += Buffer.Count;
                Buffer.Clear();
            }
        }

        protected override void Start(ModelActor a)
        {
            if (a.Operation == "put")
            {
                if (Closed) Finish(a, _closedOutcome);
                else if (PutNow(a.Value, discard: true)) Finish(a, "ok");
                else if (a.Cancelled) Finish(a, "cancelled");
                else Park(a, Writers);
            }
            else
            {
                if (TakeNow(out int v)) Finish(a, $"got {v}");
                else if (Closed) Finish(a, _closedOutcome);
                else if (a.Cancelled) Finish(a, "cancelled");
                else Park(a, Readers);
            }
        }

        protected override void RemoveParked(ModelActor a)
        {
            if (a.Operation == "put") Writers.Remove(a); else Readers.Remove(a);
        }

        private bool PutNow(int v, bool discard)
        {
            if (Readers.Count > 0)
            {
                ModelActor r = Readers[0];
                Readers.RemoveAt(0);
                Wake(r, $"got {v}");
                return true;
            }
            if (Buffer.Count < _capacity)
            {
                Buffer.Add(v);
                return true;
            }
            if (!discard) return false;
            switch (kind)
            {
                case QueueKind.DiscardOldest:
                    Dropped++;
                    if (Buffer.Count > 0)
                    {
                        Buffer.RemoveAt(0);
                        Buffer.Add(v);
                    }
                    return true;
                case QueueKind.DiscardLatest:
                    Dropped++;
                    return true;
                default:
                    return false;
            }
        }

        private bool TakeNow(out int v)
        {
            if (Buffer.Count > 0)
            {
                v = Buffer[0];
                Buffer.RemoveAt(0);
                if (Writers.Count > 0)
                {
                    ModelActor w = Writers[0];
                    Writers.RemoveAt(0);
                    Buffer.Add(w.Value);
                    Wake(w, "ok");
                }
                return true;
            }
            if (Writers.Count > 0)
            {
                ModelActor w = Writers[0];
                Writers.RemoveAt(0);
                v = w.Value;
                Wake(w, "ok");
                return true;
            }
            v = 0;
            return false;
        }
    }
}
