"""Customer Data Platform core package."""
