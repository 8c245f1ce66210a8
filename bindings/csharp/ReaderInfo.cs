// SPDX-License-Identifier: MIT
// ReaderInfo.cs -- a snapshot of a reader's state (Reader.Info()).

namespace Mailslot
{
    /// <summary>What <see cref="Reader.Info"/> reports; counts are a snapshot.</summary>
    public struct ReaderInfo
    {
        /// <summary>NextSize when no message waits (the Win32 value).</summary>
        public const uint NoMessage = 0xFFFFFFFFu;

        /// <summary>Creates a snapshot.</summary>
        public ReaderInfo(uint maxMessageSize, uint nextSize, uint messageCount, int readTimeoutMs)
        {
            MaxMessageSize = maxMessageSize;
            NextSize = nextSize;
            MessageCount = messageCount;
            ReadTimeoutMs = readTimeoutMs;
        }

        /// <summary>The reader's limit in bytes.</summary>
        public uint MaxMessageSize { get; private set; }

        /// <summary>The size of the next message, or <see cref="NoMessage"/>.</summary>
        public uint NextSize { get; private set; }

        /// <summary>Messages waiting now.</summary>
        public uint MessageCount { get; private set; }

        /// <summary>The timeout of Read() without an argument; -1 waits forever.</summary>
        public int ReadTimeoutMs { get; private set; }

        /// <summary>True when a message waits.</summary>
        public bool HasMessage
        {
            get { return NextSize != NoMessage; }
        }
    }
}
