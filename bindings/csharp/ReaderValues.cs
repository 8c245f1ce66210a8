// ReaderValues.cs -- the keys of Reader.GetInt, the counters of Reader.Stats(),
// and how optional constructor arguments reach the native layer.

namespace Mailslot
{
    /// <summary>The library's option keys (MAILSLOT_OPT_*); the numbers are ABI.
    /// <see cref="Reader.GetInt(OptionKey)"/> reads MaxMessageSize .. Port; Ttl, Domain and
    /// Interface are constructor arguments only.</summary>
    public enum OptionKey
    {
        MaxMessageSize = 1,
        ReadTimeout = 2,
        QueueLimit = 3,
        AllowAnyUser = 4,
        Network = 5,
        Port = 6,
        Ttl = 7,
        Domain = 8,
        Interface = 9,
    }

    /// <summary>The library's counters of network messages (MAILSLOT_STAT_*); the numbers
    /// are ABI. A network sender cannot be told of a drop, so the reader counts it.</summary>
    public enum StatKey
    {
        /// <summary>Network messages this reader queued.</summary>
        NetReceived = 101,
        /// <summary>Dropped: broke a rule of the protocol.</summary>
        NetMalformed = 102,
        /// <summary>Dropped: a protocol version this build lacks.</summary>
        NetUnknownVersion = 103,
        /// <summary>Dropped: for another slot, or the reader's network is off.</summary>
        NetMisaddressed = 104,
        /// <summary>Dropped: a copy of a message already queued.</summary>
        NetDuplicate = 105,
        /// <summary>Dropped: over the reader's MaxMessageSize, or its queue was full.</summary>
        NetOverLimit = 106,
    }

    /// <summary>What <see cref="Reader.Stats"/> reports: the counters of network messages.</summary>
    public struct ReaderStats
    {
        /// <summary>Creates a snapshot.</summary>
        public ReaderStats(long netReceived, long netMalformed, long netUnknownVersion,
                           long netMisaddressed, long netDuplicate, long netOverLimit)
        {
            NetReceived = netReceived;
            NetMalformed = netMalformed;
            NetUnknownVersion = netUnknownVersion;
            NetMisaddressed = netMisaddressed;
            NetDuplicate = netDuplicate;
            NetOverLimit = netOverLimit;
        }

        /// <summary>Network messages this reader queued.</summary>
        public long NetReceived { get; private set; }

        /// <summary>Dropped: broke a rule of the protocol.</summary>
        public long NetMalformed { get; private set; }

        /// <summary>Dropped: a protocol version this build lacks.</summary>
        public long NetUnknownVersion { get; private set; }

        /// <summary>Dropped: for another slot, or the reader's network is off.</summary>
        public long NetMisaddressed { get; private set; }

        /// <summary>Dropped: a copy of a message already queued.</summary>
        public long NetDuplicate { get; private set; }

        /// <summary>Dropped: over the reader's MaxMessageSize, or its queue was full.</summary>
        public long NetOverLimit { get; private set; }

        /// <summary>Every dropped message, whatever the reason.</summary>
        public long NetDropped
        {
            get { return NetMalformed + NetUnknownVersion + NetMisaddressed + NetDuplicate + NetOverLimit; }
        }
    }

    /// <summary>Optional constructor arguments as the native layer takes them: a value,
    /// or Unset for "not given" (the environment and the library's defaults decide).</summary>
    internal static class OptionValue
    {
        /// <summary>The shim's MS_UNSET.</summary>
        internal const long Unset = long.MinValue;

        internal static long Of(bool? value)
        {
            return value.HasValue ? (value.Value ? 1 : 0) : Unset;
        }

        internal static long Of(int? value)
        {
            return value.HasValue ? value.Value : Unset;
        }
    }
}
