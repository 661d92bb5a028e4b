"""One handler per verb (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/{get,watch,create,
update,patch,delete}.go): each reads what its request says, asks the registry's store to do
it, and shapes the response (response.py). A subresource with storage of its own is handed to
its strategy's handler instead; no handler knows any particular kind."""
