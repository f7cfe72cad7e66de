"""What monitors read: exports, reconciliation, deputy and session reports."""
