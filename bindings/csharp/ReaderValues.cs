// SPDX-License-Identifier: MIT
// ReaderValues.cs -- the keys of Reader.GetInt, the counters of Reader.Stats(),
// and how optional constructor arguments reach the native layer.

namespace Mailslot
{
    /// <summary>The library's option keys (MAILSLOT_OPT_*); the numbers are ABI.
    /// <see cref="Reader.GetInt(OptionKey)"/> reads MaxMessageSize .. Port and Keys .. AuthLog;
    /// Ttl, Domain and Interface are constructor arguments only.</summary>
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
        /// <summary>Network keys as key file text; read back: the number of keys.</summary>
        Keys = 10,
        /// <summary>A key file's path; read back: the number of keys.</summary>
        KeyFile = 11,
        /// <summary>1 signs, 2 signs and encrypts (writers).</summary>
        Suite = 12,
        /// <summary>Sequences remembered per sender, 64..1024 in steps of 64 (readers).</summary>
        ReplayWindow = 13,
        /// <summary>How far a timestamp may be from the reader's clock, in ms (readers).</summary>
        TimeWindow = 14,
        /// <summary>1: also accept messages without authentication (readers).</summary>
        AuthMigration = 15,
        /// <summary>1: log dropped messages (stderr, or <see cref="Log.Message"/>) (readers).</summary>
        AuthLog = 16,
    }

    /// <summary>The library's counters of network messages (MAILSLOT_STAT_*); the numbers
    /// are ABI. A network sender cannot be told of a drop, so the reader counts it.</summary>
    public enum StatKey
    {
        /// <summary>Network messages this reader queued, each once after every check (not
        /// the datagrams that arrived).</summary>
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
        /// <summary>Dropped by a reader with keys: no authentication (and no migration).</summary>
        AuthNone = 107,
        /// <summary>Dropped: a key the reader lacks, or whose period or scope does not cover it.</summary>
        AuthUnknownKey = 108,
        /// <summary>Dropped: forged or changed on the way.</summary>
        AuthBadTag = 109,
        /// <summary>Dropped: behind its sender's replay window.</summary>
        AuthReplay = 110,
        /// <summary>Dropped: a timestamp older than the time window.</summary>
        AuthStale = 111,
        /// <summary>Dropped: a timestamp ahead of the time window.</summary>
        AuthFuture = 112,
        /// <summary>Dropped: a new sender while the sender table was full.</summary>
        AuthTableFull = 113,
        /// <summary>Accepted with a valid tag.</summary>
        AuthVerified = 114,
        /// <summary>Accepted without one (AuthMigration).</summary>
        AuthUnverified = 115,
    }

    /// <summary>What <see cref="Reader.Stats"/> reports: the counters of network messages.</summary>
    public struct ReaderStats
    {
        /// <summary>Creates a snapshot of the counters of a reader without keys (the
        /// authentication counters are 0).</summary>
        public ReaderStats(long netReceived, long netMalformed, long netUnknownVersion,
                           long netMisaddressed, long netDuplicate, long netOverLimit)
            : this(netReceived, netMalformed, netUnknownVersion, netMisaddressed, netDuplicate,
                   netOverLimit, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        {
        }

        /// <summary>Creates a snapshot.</summary>
        public ReaderStats(long netReceived, long netMalformed, long netUnknownVersion,
                           long netMisaddressed, long netDuplicate, long netOverLimit,
                           long authNone, long authUnknownKey, long authBadTag, long authReplay,
                           long authStale, long authFuture, long authTableFull, long authVerified,
                           long authUnverified) : this()
        {
            NetReceived = netReceived;
            NetMalformed = netMalformed;
            NetUnknownVersion = netUnknownVersion;
            NetMisaddressed = netMisaddressed;
            NetDuplicate = netDuplicate;
            NetOverLimit = netOverLimit;
            AuthNone = authNone;
            AuthUnknownKey = authUnknownKey;
            AuthBadTag = authBadTag;
            AuthReplay = authReplay;
            AuthStale = authStale;
            AuthFuture = authFuture;
            AuthTableFull = authTableFull;
            AuthVerified = authVerified;
            AuthUnverified = authUnverified;
        }

        /// <summary>Network messages this reader queued, each once after every check (not
        /// the datagrams that arrived).</summary>
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

        /// <summary>Dropped by a reader with keys: no authentication (and no migration).</summary>
        public long AuthNone { get; private set; }

        /// <summary>Dropped: a key the reader lacks, or whose period or scope does not cover it.</summary>
        public long AuthUnknownKey { get; private set; }

        /// <summary>Dropped: forged or changed on the way.</summary>
        public long AuthBadTag { get; private set; }

        /// <summary>Dropped: behind its sender's replay window.</summary>
        public long AuthReplay { get; private set; }

        /// <summary>Dropped: a timestamp older than the time window.</summary>
        public long AuthStale { get; private set; }

        /// <summary>Dropped: a timestamp ahead of the time window.</summary>
        public long AuthFuture { get; private set; }

        /// <summary>Dropped: a new sender while the sender table was full.</summary>
        public long AuthTableFull { get; private set; }

        /// <summary>Accepted with a valid tag.</summary>
        public long AuthVerified { get; private set; }

        /// <summary>Accepted without one (AuthMigration).</summary>
        public long AuthUnverified { get; private set; }

        /// <summary>Every dropped message, whatever the reason (authentication included).</summary>
        public long NetDropped
        {
            get
            {
                return NetMalformed + NetUnknownVersion + NetMisaddressed + NetDuplicate + NetOverLimit
                       + AuthNone + AuthUnknownKey + AuthBadTag + AuthReplay + AuthStale + AuthFuture
                       + AuthTableFull;
            }
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
