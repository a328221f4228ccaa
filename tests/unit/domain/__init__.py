"""Unit tests of the relief domain: pure, no I/O."""
