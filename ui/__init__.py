"""What pages share: cached data access keyed on the data version, the sidebar context, render helpers.

The only package besides pages/ that imports streamlit; metrics/ stays free of it.
"""
