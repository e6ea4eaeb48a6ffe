"""Windows opened beside the main one: the comparison of two networks and the sweep."""
