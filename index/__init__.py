"""Building the 先例 index: read → parse → measures → chunk → segment → embed → store."""

from index.reply import Chunk, Measure, Policy, RawRecord, Reply, Section, Skipped, Source

__all__ = ["Chunk", "Measure", "Policy", "RawRecord", "Reply", "Section", "Skipped", "Source"]
