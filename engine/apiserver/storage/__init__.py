"""The API server's storage layer (staging/src/k8s.io/apiserver/pkg/storage).

codec.py turns objects into etcd values and back; etcd3.py makes the round trips to etcd and
turns etcd's watch into decoded changes; cacher.py fans those changes out to every watch.
"""
