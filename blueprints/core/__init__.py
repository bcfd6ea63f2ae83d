"""The web layer's own plumbing, for every blueprint: error pages and the API error shape,
security headers and HTTPS, the language and time-zone choice, template filters, refusing NUL
bytes, safe `?next=` redirects, form helpers, the anonymous page cache, /healthz and the
benchmark's reference page."""
