"""Reply chains: capture, trees, outlines, exports and imports of nested discussions."""
